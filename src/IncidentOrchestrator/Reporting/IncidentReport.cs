using System.Globalization;
using System.Text;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Reporting;

/// <summary>
/// The post-incident report in Markdown: the key times, what each run did, the evidence kept
/// (with hashes anyone can re-check), the signals summarised per source and type, the rest of the
/// timeline, and whether the history verifies.
/// Sensitive fields are already redacted in what it is given.
/// </summary>
public static class IncidentReport
{
    public static string Render(IncidentRecord record, DateTimeOffset now)
    {
        var (incident, redacted, timeline, runs, evidence, chain) = (record.Incident, record.Redacted, record.Timeline, record.Runs, record.Evidence,
            record.Chain);
        var md = new StringBuilder();
        md.AppendLine($"# Incident report: {Cell(incident.Title)}").AppendLine();
        if (redacted)
            md.AppendLine($"> Fields that carry personal or sensitive data read `{Redaction.Placeholder}`: this copy is for a reader without need-to-know.")
                .AppendLine();

        md.AppendLine("| | |").AppendLine("|---|---|");
        Row(md, "Incident", incident.Id.ToString());
        Row(md, "Status", Lower(incident.Status));
        Row(md, "Severity", Lower(incident.Severity));
        Row(md, "Restricted", incident.Restricted ? "yes (need-to-know)" : "no");
        Row(md, "Commander", incident.Commander ?? "none named");
        Row(md, "First observed", Time(incident.FirstObservedAt));
        Row(md, "Opened", Time(incident.OpenedAt));
        Row(md, "Acknowledged", Time(incident.AcknowledgedAt, incident.OpenedAt));
        Row(md, "Contained", Time(incident.ContainedAt, incident.OpenedAt));
        Row(md, "Resolved", Time(incident.ResolvedAt, incident.OpenedAt));
        Row(md, "Closed", Time(incident.ClosedAt, incident.OpenedAt));
        Row(md, "Signals", incident.SignalCount.ToString(CultureInfo.InvariantCulture));
        md.AppendLine();

        if (incident.Summary is { } summary) md.AppendLine("## Summary").AppendLine().AppendLine(Redaction.Text(summary, redacted)).AppendLine();

        Review(md, incident, redacted);
        FollowUps(md, record.FollowUps, redacted, now);

        md.AppendLine("## Response").AppendLine();
        if (runs.Count == 0) md.AppendLine("No playbook ran.").AppendLine();
        foreach (var run in runs)
        {
            md.AppendLine($"### {Cell(run.Playbook)}: {run.Status}").AppendLine();
            md.AppendLine($"Run {run.Id}, started {Time(run.StartedAt)} by {Cell(run.StartedBy)}, playbook sha256 `{run.PlaybookHash}`.").AppendLine();
            md.AppendLine("| Step | Status | Outcome | Attempts | Ended | Error |").AppendLine("|---|---|---|---|---|---|");
            foreach (var (id, step) in run.Steps.OrderBy(s => s.Value.StartedAt ?? DateTimeOffset.MaxValue))
                md.AppendLine($"| {Cell(id)} | {step.Status} | {Cell(step.Outcome)} | {step.Attempts} | {Time(step.EndedAt)} | {Cell(step.Error)} |");
            md.AppendLine();
        }

        md.AppendLine("## Evidence").AppendLine();
        if (evidence.Count == 0) md.AppendLine("No evidence was captured.").AppendLine();
        else
        {
            md.AppendLine("| Name | Rows | SHA-256 | Captured |").AppendLine("|---|---|---|---|");
            foreach (var e in evidence)
                md.AppendLine($"| {Cell(e.Name)} | {e.RowCount}{(e.Truncated ? " (truncated)" : "")} | `{e.Sha256}` | {Time(e.CapturedAt)} |");
            md.AppendLine();
        }

        md.AppendLine("## Signals").AppendLine();
        if (record.Signals.Count == 0) md.AppendLine("No signal; the incident was declared.").AppendLine();
        else
        {
            md.AppendLine("| Source | Type | Signals | First observed | Last observed |").AppendLine("|---|---|---|---|---|");
            foreach (var s in record.Signals)
                md.AppendLine($"| {Cell(s.Source)} | {Cell(s.Type)} | {s.Count} | {Time(s.FirstObservedAt)} | {Time(s.LastObservedAt)} |");
            md.AppendLine();
        }

        md.AppendLine("## Timeline").AppendLine();
        md.AppendLine("Every event but the individual signals (summarised above), in the order they were recorded.").AppendLine();
        md.AppendLine("| # | At | Who | What |").AppendLine("|---|---|---|---|");
        foreach (var item in timeline) md.AppendLine($"| {item.Sequence} | {Time(item.At)} | {Cell(item.Actor)} | {Cell(item.Summary)} |");
        md.AppendLine();

        md.AppendLine("## Integrity").AppendLine();
        md.AppendLine(chain.Valid
            ? $"The history verifies: {chain.Events} events, each linked by SHA-256 to the one before; the last link is `{chain.HeadHash}`."
            : $"**The history does not verify**: the chain breaks at event {chain.FirstBrokenSequence} ({chain.Reason}).");
        md.AppendLine().AppendLine($"_Report generated {Time(now)}._");
        return md.ToString();
    }

    /// <summary>The post-incident review, field by field in its own order, and the decisions of its meeting.</summary>
    private static void Review(StringBuilder md, Incidents.Incident incident, bool redacted)
    {
        md.AppendLine("## Review").AppendLine();
        if (incident.Review.Count == 0 && incident.ReviewDecisions.Count == 0)
        {
            md.AppendLine("Not written yet.").AppendLine();
            return;
        }
        foreach (var field in Incidents.Reviewing.ReviewFields.All)
        {
            md.AppendLine($"### {char.ToUpperInvariant(field.Label[0])}{field.Label[1..]}").AppendLine();
            md.AppendLine(incident.Review.TryGetValue(field.Key, out var text) ? Paragraph(Redaction.Text(text, redacted)!) : "_Not written._").AppendLine();
        }
        if (incident.ReviewDecisions.Count == 0) return;
        md.AppendLine("### Decisions").AppendLine();
        foreach (var d in incident.ReviewDecisions) md.AppendLine($"- {Cell(Redaction.Text(d.Decision, redacted))} ({Cell(d.By)}, {Time(d.At)})");
        md.AppendLine();
    }

    private static void FollowUps(StringBuilder md, IReadOnlyList<FollowUps.FollowUp> followUps, bool redacted, DateTimeOffset now)
    {
        md.AppendLine("## Follow-ups").AppendLine();
        if (followUps.Count == 0)
        {
            md.AppendLine("None.").AppendLine();
            return;
        }
        md.AppendLine("| Follow-up | Owner | Due | Status | Priority | Tags | Tracked in |").AppendLine("|---|---|---|---|---|---|---|");
        foreach (var f in followUps)
        {
            var status = f.Status + (f.IsOverdue(now) ? " (overdue)" : "") + (f.Reason is { } reason ? $": {Redaction.Text(reason, redacted)}" : "");
            var tracked = string.Join(", ", f.Links.Select(l => $"[{Cell(l.Key)}](<{l.Url}>)"));
            md.AppendLine($"| {Cell(Redaction.Text(f.Title, redacted))} | {Cell(f.Owner)} | {f.DueAt.UtcDateTime:yyyy-MM-dd} | {Cell(status)} | {f.Priority} | {Cell(string.Join(", ", f.Tags))} | {tracked} |");
        }
        md.AppendLine();
    }

    /// <summary>A person's text as its own paragraph: its lines kept, no raw HTML.</summary>
    private static string Paragraph(string text) => text.Replace("<", "&lt;").Replace(">", "&gt;").ReplaceLineEndings("  \n");

    private static void Row(StringBuilder md, string name, string value) => md.AppendLine($"| {name} | {value} |");

    private static string Lower<T>(T value) where T : struct, Enum => ApiJson.Name(value);

    private static string Time(DateTimeOffset? at, DateTimeOffset? since = null) => at is not { } t
        ? "–"
        : since is { } s ? $"{Time(t)} (+{Duration(t - s)})" : t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.TotalSeconds < 0 ? "0 s"
        : span.TotalMinutes < 2 ? $"{span.TotalSeconds:0} s"
        : span.TotalHours < 2 ? $"{span.TotalMinutes:0} min"
        : $"{span.TotalHours:0.#} h";

    /// <summary>Text inside a table cell or heading: one line, no table breaks, no raw HTML.</summary>
    private static string Cell(string? text) => text is null ? ""
        : text.Replace("\r", " ").Replace("\n", " ").Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");
}
