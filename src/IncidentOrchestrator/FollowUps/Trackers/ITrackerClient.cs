using System.Text.Json;

namespace IncidentOrchestrator.FollowUps.Trackers;

/// <summary>An issue in a tracker.</summary>
public sealed record TrackerIssue(string Key, string Url);

/// <summary>What a follow-up's issue says: its title, its text, and the label that finds it again.</summary>
public sealed record IssueDraft(string Title, string Body, string Label);

/// <summary>A tracker's API, as far as exporting a follow-up needs it.</summary>
public interface ITrackerClient
{
    /// <summary>The issue labelled <paramref name="label"/>, made by an earlier attempt, or null.</summary>
    Task<TrackerIssue?> FindAsync(string label, CancellationToken ct);

    Task<TrackerIssue> CreateAsync(IssueDraft draft, CancellationToken ct);
}

/// <summary>The tracker answered with an error, or not at all: the export is tried again, unless <see cref="Final"/> says no attempt will ever
/// do better (a 4xx other than 408 and 429: a bad token, a project that does not exist, a field it refuses).</summary>
public sealed class TrackerException(string message, bool final = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Final { get; } = final;

    public static bool IsFinal(System.Net.HttpStatusCode status) => (int)status is >= 400 and < 500 and not 408 and not 429;
}

/// <summary>
/// What a tracker answered with success, read into what the export needs. An answer that is not JSON, or lacks a field, or has it of
/// another kind (a proxy's page behind a 2xx, an API that changed) is a <see cref="TrackerException"/> like any other failure of the
/// tracker, and the export is tried again; no other exception is taken for one.
/// </summary>
public static class TrackerAnswer
{
    public static T Read<T>(string tracker, string text, Func<JsonElement, T> read)
    {
        try
        {
            using var answer = JsonDocument.Parse(text);
            return read(answer.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new TrackerException($"{tracker} answered with what could not be read ({e.Message}): {TrackerText.Short(text)}", inner: e);
        }
    }
}

/// <summary>A tracker's request sent, and its answer's text; every way it can fail is a <see cref="TrackerException"/>.</summary>
public static class TrackerHttp
{
    /// <summary>
    /// The text of a successful answer. An answer that is not a success, no answer at all, or none in time is the tracker's
    /// failure. The text is read as UTF-8 (both trackers speak it) whatever charset the answer names, so that a proxy's page in
    /// a charset this runtime cannot decode is still an answer to report.
    /// </summary>
    public static async Task<string> SendAsync(HttpClient http, HttpRequestMessage request, string tracker, CancellationToken ct)
    {
        try
        {
            using var response = await http.SendAsync(request, ct);
            var text = System.Text.Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(ct));
            if (!response.IsSuccessStatusCode)
                throw new TrackerException($"{tracker} answered {(int)response.StatusCode}: {TrackerText.Short(text)}", TrackerException.IsFinal(response.StatusCode));
            return text;
        }
        catch (HttpRequestException e)
        {
            throw new TrackerException($"{tracker}: {e.Message}", inner: e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new TrackerException($"{tracker} gave no answer in time ({e.Message})", inner: e);
        }
    }
}

public static class TrackerText
{
    /// <summary>An answer's text, short enough for one timeline line.</summary>
    public static string Short(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
