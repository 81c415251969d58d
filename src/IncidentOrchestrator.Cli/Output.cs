using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// How results are printed: <c>text</c> for people, <c>json</c> (the API's JSON, indented, stable for scripts),
/// <c>jsonl</c> (one compact JSON object a line); <c>-q</c> prints ids only, so commands compose in pipes. Text is a
/// table with colours on a terminal (Spectre.Console), and plain aligned columns when the output goes to a file or a
/// pipe; times are relative ("5m ago") unless <c>--time-format iso|raw</c> says otherwise.
/// </summary>
public sealed class Output(CliConsole console, Output.Settings settings)
{
    public sealed record Settings(string Format, bool Quiet, bool Colour, string TimeFormat, DateTimeOffset Now);

    public enum Kind { Plain, Time, State, Id }

    /// <param name="Width">The width of the column in followed output, where rows are printed before the widest is known.</param>
    public sealed record Column(string Header, Func<JsonElement, string> Value, Kind Kind = Kind.Plain, int? Width = null);

    public static Column Field(string header, string property, Kind kind = Kind.Plain) => new(header, e => Text(e, property), kind);

    public static Column Time(string header, string property) => Field(header, property, Kind.Time);

    public static Column State(string header, string property) => Field(header, property, Kind.State);

    public static string Text(JsonElement e, string property) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(property, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => Printable(v.GetString() ?? ""),
            JsonValueKind.Null or JsonValueKind.Undefined => "-",
            _ => v.ToString(),
        } : "-";

    public bool ForPeople => settings.Format is "text" && !settings.Quiet;

    /// <summary>Whether a display may redraw itself in place: a terminal that takes colours and cursor moves.</summary>
    public bool Live => console.IsTerminal && settings.Colour;

    private IAnsiConsole? _ansi;

    /// <summary>Spectre's console over our standard output: colours only when they were asked for or the terminal takes them.</summary>
    public IAnsiConsole Ansi => _ansi ??= CreateAnsi();

    private IAnsiConsole CreateAnsi()
    {
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = settings.Colour ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = settings.Colour ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = console.IsTerminal ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(console.Out),
        });
        ansi.Profile.Width = console.Width;
        return ansi;
    }

    public void List(IReadOnlyList<JsonElement> items, string idProperty, params Column[] columns)
    {
        if (settings.Quiet)
        {
            foreach (var item in items) console.Out.WriteLine(Text(item, idProperty));
            return;
        }
        switch (settings.Format)
        {
            case "json":
                console.Out.WriteLine(JsonSerializer.Serialize(items, Json.Indented));
                return;
            case "jsonl":
                foreach (var item in items) console.Out.WriteLine(JsonSerializer.Serialize(item, Json.Printed));
                return;
        }
        if (items.Count == 0)
        {
            console.Out.WriteLine("(none)");
            return;
        }
        if (settings.Colour) Ansi.Write(Table(items, columns));
        else Lines(items, columns, header: true);
    }

    /// <summary>Rows as they arrive (a followed timeline): a header once, then aligned lines, so no row waits for the next.</summary>
    public void Rows(IReadOnlyList<JsonElement> items, string idProperty, bool first, params Column[] columns)
    {
        if (settings.Quiet || settings.Format is not "text")
        {
            if (settings.Format is "json" && !settings.Quiet)
                foreach (var item in items) console.Out.WriteLine(JsonSerializer.Serialize(item, Json.Printed)); // a stream of objects: one a line
            else List(items, idProperty, columns);
            return;
        }
        Lines(items, columns, header: first, fixedWidths: true);
    }

    public void Item(JsonElement item, string idProperty, params Column[] fields)
    {
        if (settings.Quiet) console.Out.WriteLine(Text(item, idProperty));
        else if (settings.Format is "json") console.Out.WriteLine(JsonSerializer.Serialize(item, Json.Indented));
        else if (settings.Format is "jsonl") console.Out.WriteLine(JsonSerializer.Serialize(item, Json.Printed));
        else if (settings.Colour)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
            foreach (var field in fields)
                grid.AddRow(new Markup($"[grey]{field.Header.EscapeMarkup()}[/]"), new Markup(Format(field, item) is "" ? "-" : Markup(field, item)));
            Ansi.Write(grid);
        }
        else
        {
            var width = fields.Max(f => f.Header.Length);
            foreach (var field in fields) console.Out.WriteLine($"{field.Header.PadRight(width)}  {(Format(field, item) is "" ? "-" : Format(field, item))}".TrimEnd());
        }
    }

    /// <summary>
    /// What a command that changed something prints: a sentence for people, the id with <c>-q</c>, and with <c>-o json</c>
    /// or <c>jsonl</c> exactly what the API answered (nothing when it answered with no body: the exit code says it worked).
    /// </summary>
    public void Answer(JsonElement answer, string message, string? id = null)
    {
        if (settings.Quiet)
        {
            if (id is not null) console.Out.WriteLine(id);
        }
        else if (settings.Format is "json" or "jsonl")
        {
            if (answer.ValueKind is JsonValueKind.Undefined || answer.ValueKind is JsonValueKind.String && answer.GetString() is "") return;
            console.Out.WriteLine(JsonSerializer.Serialize(answer, settings.Format is "json" ? Json.Indented : Json.Printed));
        }
        else console.Out.WriteLine(Printable(message));
    }

    /// <summary>What a command that asks the API nothing to change printed (a profile saved, a file written): the same, with its facts as JSON.</summary>
    public void Done(string message, object facts, string? id = null) => Answer(JsonSerializer.SerializeToElement(facts, Json.Options), message, id);

    /// <summary>A line for people only (a heading, a hint); scripts asking for json or ids never see it.</summary>
    public void Say(string message)
    {
        if (!ForPeople) return;
        if (settings.Colour) Ansi.MarkupLine($"[bold]{Printable(message).EscapeMarkup()}[/]");
        else console.Out.WriteLine(Printable(message));
    }

    public Table Table(IReadOnlyList<JsonElement> items, Column[] columns)
    {
        var table = new Table().Border(TableBorder.Simple).BorderColor(Color.Grey);
        foreach (var (column, i) in columns.Select((c, i) => (c, i)))
        {
            var header = new TableColumn($"[bold]{column.Header.ToUpperInvariant().EscapeMarkup()}[/]");
            if (i < columns.Length - 1) header.NoWrap(); // ids, states and times stay whole; the last column (a title, a sentence) wraps
            table.AddColumn(header);
        }
        foreach (var item in items) table.AddRow(columns.Select(c => (IRenderable)new Markup(Markup(c, item))).ToArray());
        return table;
    }

    /// <summary>Aligned columns, one item a line (colours only when asked for): what pipes, files and followed streams get.</summary>
    private void Lines(IReadOnlyList<JsonElement> items, Column[] columns, bool header, bool fixedWidths = false)
    {
        var rows = items.Select(i => columns.Select(c => Format(c, i)).ToArray()).ToList();
        var widths = columns.Select((c, i) => fixedWidths
            ? Math.Max(c.Header.Length, c.Width ?? c.Kind switch { Kind.Time => settings.TimeFormat is "relative" ? 8 : 20, Kind.State => 10, Kind.Id => 36, _ => 16 })
            : Math.Min(60, Math.Max(c.Header.Length, rows.Max(r => r[i].Length)))).ToArray();
        string Cell(string value, int i, Func<string, string>? paint = null)
        {
            if (i == columns.Length - 1) return paint?.Invoke(value) ?? value;
            var fitted = value.Length > widths[i] ? value[..(widths[i] - 1)] + "…" : value;
            return (paint?.Invoke(fitted) ?? fitted) + new string(' ', widths[i] - fitted.Length);
        }
        if (header)
        {
            var titles = columns.Select((c, i) => Cell(c.Header.ToUpperInvariant(), i, settings.Colour ? h => $"[bold]{h.EscapeMarkup()}[/]" : null));
            Write(string.Join("  ", titles).TrimEnd());
        }
        foreach (var (row, item) in rows.Zip(items))
            Write(string.Join("  ", row.Select((v, i) => Cell(v, i, settings.Colour ? fitted => Paint(columns[i], item, fitted) : null))).TrimEnd());

        void Write(string line)
        {
            if (settings.Colour) Ansi.MarkupLine(line);
            else console.Out.WriteLine(line);
        }
    }

    public string Format(Column column, JsonElement item)
    {
        var value = Printable(column.Value(item));
        return column.Kind == Kind.Time ? When(value) : value;
    }

    /// <summary>
    /// Text from the service as a terminal may show it: a control character (the escape that starts a colour, a cursor move
    /// or a new window title among them) is shown as �, so no incident's text, which can come from outside, can act on the
    /// reader's terminal. So is a character that reorders the text around it (the bidirectional embeddings, overrides and
    /// isolates), which could make a line read as something other than what it says. Line breaks and tabs stay.
    /// </summary>
    public static string Printable(string text)
    {
        if (!text.Any(Unsafe)) return text;
        text = text.Replace("\r\n", "\n"); // a line break written on Windows is a line break
        return string.Concat(text.Select(c => Unsafe(c) ? '\uFFFD' : c));
    }

    private static bool Unsafe(char c) => (char.IsControl(c) && c is not '\n' and not '\t') || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';

    private string Markup(Column column, JsonElement item) => Paint(column, item, Format(column, item));

    private static string Paint(Column column, JsonElement item, string shown)
    {
        var value = shown.EscapeMarkup();
        return column.Kind switch
        {
            Kind.State => Colours.TryGetValue(column.Value(item), out var colour) ? $"[{colour}]{value}[/]" : value,
            Kind.Time or Kind.Id => $"[grey]{value}[/]",
            _ => value,
        };
    }

    /// <summary>What each state and severity looks like: red needs attention, yellow is under way, green is done.</summary>
    private static readonly Dictionary<string, string> Colours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = "bold red", ["high"] = "red", ["medium"] = "yellow", ["low"] = "grey",
        ["open"] = "red", ["contained"] = "yellow", ["resolved"] = "green", ["reviewing"] = "blue", ["closed"] = "grey",
        ["in-progress"] = "blue", ["done"] = "green", ["wont-do"] = "grey",
        ["running"] = "blue", ["pending"] = "grey", ["waiting"] = "yellow", ["retrying"] = "yellow", ["escalated"] = "bold red",
        ["succeeded"] = "green", ["failed"] = "red", ["compensated"] = "red", ["cancelled"] = "grey", ["skipped"] = "grey",
        ["acknowledged"] = "blue", ["completed"] = "green", ["superseded"] = "grey", ["approved"] = "green", ["rejected"] = "red",
        ["True"] = "green", ["False"] = "red",
    };

    /// <summary>A time as asked: relative to now ("5m ago", "in 2h"), ISO 8601 in UTC to the second, or exactly as the API sent it.</summary>
    public string When(string value)
    {
        if (settings.TimeFormat is "raw" || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
            return value;
        if (settings.TimeFormat is "iso") return time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var span = settings.Now - time;
        var ago = span >= TimeSpan.Zero;
        span = span.Duration();
        var text = span.TotalSeconds < 1 ? "now"
            : span.TotalMinutes < 1 ? $"{(int)span.TotalSeconds}s"
            : span.TotalHours < 1 ? $"{(int)span.TotalMinutes}m"
            : span.TotalDays < 1 ? $"{(int)span.TotalHours}h{(span.Minutes > 0 ? $"{span.Minutes}m" : "")}"
            : span.TotalDays < 60 ? $"{(int)span.TotalDays}d"
            : time.ToUniversalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return text is "now" || text.Contains('-') ? text : ago ? $"{text} ago" : $"in {text}";
    }
}
