using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.Extensions;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// A position in a list ordered by (opened at, id): what an opaque <c>cursor</c> holds. Times are
/// kept to the microsecond, as PostgreSQL stores them, so a cursor compares exactly with the column.
/// </summary>
public readonly record struct Cursor(DateTimeOffset At, Guid Id)
{
    public static Cursor Of(DateTimeOffset at, Guid id) => new(new DateTimeOffset(at.UtcTicks - at.UtcTicks % 10, TimeSpan.Zero), id);

    public string Encode() =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes($"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    public static bool TryDecode(string? text, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 100) return false;
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(text)).Split(':');
            if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out var id))
                return false;
            cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

/// <summary>
/// Keyset paging for the lists (<c>limit</c> and an opaque <c>cursor</c>) and the timeline
/// (<c>after</c>/<c>before</c> a sequence): the body stays an array, and the next page's URL goes
/// in a <c>Link: &lt;…&gt;; rel="next"</c> header, with every other query parameter kept.
/// </summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>How many rows one request may read past those it shows (filters that only C# can apply), before it answers with what it has.</summary>
    public const int MaxScanned = 10_000;

    public static int Limit(int? limit, Problems.Validation validation, int @default = DefaultLimit, int max = MaxLimit)
    {
        if (limit is null) return @default;
        validation.Require(limit is >= 1 && limit <= max, "limit", $"Between 1 and {max}.");
        return Math.Clamp(limit.Value, 1, max);
    }

    public static Cursor? ParseCursor(string? value, Problems.Validation validation)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (Cursor.TryDecode(value, out var cursor)) return cursor;
        validation.Add("cursor", "Not a cursor this service gave out; follow the Link header of the previous page.");
        return null;
    }

    /// <summary>A listed page as the API answers it: the items, and the next page's URL in the <c>Link</c> header.</summary>
    public static IResult Ok<T>(HttpContext context, Listed<T> listed)
    {
        if (listed.Next is { } next) LinkNext(context, "cursor", next);
        return TypedResults.Ok(listed.Items);
    }

    /// <summary>Sets <c>Link: &lt;this URL with <paramref name="parameter"/>=<paramref name="value"/>&gt;; rel="next"</c>, dropping the opposite direction's parameter.</summary>
    public static void LinkNext(HttpContext context, string parameter, string value, params string[] drop) =>
        context.Response.Headers.Append("Link", $"<{NextUrl(context, parameter, value, drop)}>; rel=\"next\"");

    /// <summary>This request's URL with <paramref name="parameter"/> set to <paramref name="value"/> (and <paramref name="drop"/> left out): its next page.</summary>
    public static string NextUrl(HttpContext context, string parameter, string value, params string[] drop)
    {
        var query = new QueryBuilder(context.Request.Query
            .Where(q => q.Key != parameter && !drop.Contains(q.Key))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))));
        query.Add(parameter, value);
        return $"{context.Request.PathBase}{context.Request.Path}{query}";
    }

    /// <summary>
    /// Reads an ordered list in batches from <paramref name="after"/> until it has one page of rows that
    /// <paramref name="keep"/> keeps (and one more, to know whether a next page exists), or the rows run out,
    /// or <see cref="MaxScanned"/> rows were read. Returns the page and the position of the next page (null at the end): a
    /// <see cref="Cursor"/> for the lists, a sequence for timelines.
    /// </summary>
    public static async Task<(List<T> Page, TKey? Next)> ScanAsync<T, TKey>(Func<TKey?, int, Task<IReadOnlyList<T>>> fetch,
        Func<IReadOnlyList<T>, Task<IReadOnlyList<T>>> keep, Func<T, TKey> key, TKey? after, int limit) where TKey : struct
    {
        var page = new List<T>(limit + 1);
        var scanned = 0;
        var position = after;
        var batch = Math.Min(Math.Max(limit + 1, 100), MaxLimit + 1);
        while (true)
        {
            var rows = await fetch(position, batch);
            if (rows.Count == 0) return (page, null);
            scanned += rows.Count;
            position = key(rows[^1]);
            foreach (var row in await keep(rows))
            {
                page.Add(row);
                if (page.Count > limit)
                {
                    page.RemoveAt(limit);
                    return (page, key(page[^1]));
                }
            }
            if (rows.Count < batch) return (page, null);
            if (scanned >= MaxScanned) return (page, position); // a partial page: the next one goes on from here
        }
    }
}
