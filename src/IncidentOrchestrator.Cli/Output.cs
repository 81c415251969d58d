using System.Text.Json;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// How results are printed: <c>text</c> for people (aligned columns), <c>json</c> (the API's JSON, indented, stable for
/// scripts), <c>jsonl</c> (one compact JSON object a line); <c>-q</c> prints ids only, so commands compose in pipes.
/// </summary>
public sealed class Output(CliConsole console, string format, bool quiet)
{
    public sealed record Column(string Header, Func<JsonElement, string> Value);

    public static Column Field(string header, string property) => new(header, e => Text(e, property));

    public static string Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString() ?? "",
            JsonValueKind.Null or JsonValueKind.Undefined => "-",
            _ => v.ToString(),
        } : "-";

    public void List(IReadOnlyList<JsonElement> items, string idProperty, params Column[] columns)
    {
        if (quiet)
        {
            foreach (var item in items) console.Out.WriteLine(Text(item, idProperty));
            return;
        }
        switch (format)
        {
            case "json":
                console.Out.WriteLine(JsonSerializer.Serialize(items, Json.Indented));
                return;
            case "jsonl":
                foreach (var item in items) console.Out.WriteLine(JsonSerializer.Serialize(item));
                return;
        }
        if (items.Count == 0)
        {
            console.Out.WriteLine("(none)");
            return;
        }
        var rows = items.Select(i => columns.Select(c => c.Value(i)).ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Min(60, Math.Max(c.Header.Length, rows.Max(r => r[i].Length)))).ToArray();
        console.Out.WriteLine(string.Join("  ", columns.Select((c, i) => c.Header.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
            console.Out.WriteLine(string.Join("  ", row.Select((v, i) => (v.Length > widths[i] ? v[..(widths[i] - 1)] + "…" : v).PadRight(widths[i]))).TrimEnd());
    }

    public void Item(JsonElement item, string idProperty, params Column[] fields)
    {
        if (quiet) console.Out.WriteLine(Text(item, idProperty));
        else if (format is "json") console.Out.WriteLine(JsonSerializer.Serialize(item, Json.Indented));
        else if (format is "jsonl") console.Out.WriteLine(JsonSerializer.Serialize(item));
        else
        {
            var width = fields.Max(f => f.Header.Length);
            foreach (var field in fields) console.Out.WriteLine($"{field.Header.PadRight(width)}  {field.Value(item)}");
        }
    }

    /// <summary>A sentence for people; in json it is an object with the id, so scripts still get something to parse.</summary>
    public void Done(string message, string? id = null)
    {
        if (quiet)
        {
            if (id is not null) console.Out.WriteLine(id);
        }
        else if (format is "json" or "jsonl") console.Out.WriteLine(JsonSerializer.Serialize(new { ok = true, id, message }));
        else console.Out.WriteLine(message);
    }
}
