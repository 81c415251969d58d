using System.CommandLine;
using System.Text.Json;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary><c>incident review show|write|decide</c> and <c>incident followup list|show|create|status|done</c>: after the incident.</summary>
public static class FollowUpCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        yield return Review(cli);
        yield return FollowUp(cli);
    }

    private static Command Review(CliContext cli)
    {
        var incident = new Argument<string>("incident") { Description = "The incident's id" };
        var show = new Command("show", "The incident's post-incident review: each field, what it still lacks, and the meeting's decisions.\n" +
                                       "Example: incident review show 01a2…") { incident };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var found = await cli.Api(r).GetAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(incident)!)}", ct);
            var review = found.GetProperty("review");
            var impact = review.GetProperty("impact");
            Column Of(string header, JsonElement from, string property) => new(header, _ => Text(from, property));
            // The whole incident is the answer (-o json prints it); the text shows its review.
            cli.Output(r).Item(found, "id", Field("incident", "id"), State("status", "status"), Of("summary", review, "summary"),
                Of("people affected", impact, "people"), Of("data affected", impact, "data"), Of("how long", impact, "duration"),
                Of("root cause", review, "rootCause"), Of("contributing factors", review, "contributingFactors"), Of("went well", review, "wentWell"),
                Of("did not go well", review, "wentBadly"),
                new("decisions", _ => string.Join("; ", review.GetProperty("decisions").EnumerateArray().Select(d => $"{Text(d, "decision")} ({Text(d, "by")})"))),
                new("still to write", _ => string.Join(", ", review.GetProperty("missing").EnumerateArray().Select(m => m.GetString()))));
            return ExitCodes.Ok;
        }));

        Option<string?> Text_(string name, string description) => new($"--{name}") { Description = description };
        var summary = Text_("summary", "What happened, in a few sentences");
        var people = Text_("people", "Who was affected (impact)");
        var data = Text_("data", "What data was affected (impact)");
        var duration = Text_("duration", "How long it lasted (impact)");
        var rootCause = Text_("root-cause", "Why it happened");
        var factors = Text_("contributing-factors", "What made it worse or possible");
        var wentWell = Text_("went-well", "What went well");
        var wentBadly = Text_("went-badly", "What did not go well");
        var write = new Command("write", "Write fields of the review (those given; an empty text clears one). By the incident's commander and participants.\n" +
                                         "Example: incident review write 01a2… --root-cause \"An all-staff group grant\" --people \"412 employees\"")
            { incident, summary, people, data, duration, rootCause, factors, wentWell, wentBadly };
        write.SetAction(cli.Run(async (r, ct) =>
        {
            var impact = (r.GetValue(people), r.GetValue(data), r.GetValue(duration)) is (null, null, null)
                ? null
                : new Contracts.ReviewImpact(r.GetValue(people), r.GetValue(data), r.GetValue(duration));
            var edit = new Contracts.EditIncidentReview(r.GetValue(summary), impact, r.GetValue(rootCause), r.GetValue(factors), r.GetValue(wentWell),
                r.GetValue(wentBadly));
            if (edit == new Contracts.EditIncidentReview()) throw new CliException(ExitCodes.Usage, "Give at least one field to write (see --help).");
            await cli.Api(r).PutAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(incident)!)}/review", edit, ct);
            cli.Output(r).Say($"Written. Next: incident review show {r.GetValue(incident)}");
            return ExitCodes.Ok;
        }));

        var decision = new Argument<string>("decision") { Description = "What the review meeting decided" };
        var decide = new Command("decide", "Record a decision of the review meeting on the incident's timeline.\n" +
                                           "Example: incident review decide 01a2… \"Every AI-training dataset gets an owner\"") { incident, decision };
        decide.SetAction(cli.Run(async (r, ct) =>
        {
            await cli.Api(r).PostAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(incident)!)}/review/decisions",
                new Contracts.RecordReviewDecision(r.GetValue(decision)), ct);
            cli.Output(r).Say("Recorded.");
            return ExitCodes.Ok;
        }));
        return new Command("review", "The post-incident review: read it, write it, record the meeting's decisions") { show, write, decide };
    }

    private static Command FollowUp(CliContext cli)
    {
        var onIncident = new Option<string?>("--incident") { Description = "Only this incident's follow-ups" };
        var mine = new Option<bool>("--mine") { Description = "Only follow-ups you own" };
        var owner = new Option<string?>("--owner") { Description = "Only follow-ups this person owns" };
        var status = new Option<string?>("--status") { Description = "open, in-progress, done or wont-do (a comma list)" };
        var overdue = new Option<bool>("--overdue") { Description = "Only open follow-ups past their due date" };
        var severity = new Option<string?>("--severity") { Description = "Only follow-ups of incidents this severe" };
        var tag = new Option<string?>("--tag") { Description = "Only follow-ups with this tag" };
        var all = new Option<bool>("--all") { Description = "Follow every page (else the first 50)" };
        var list = new Command("list", "Follow-ups you may see, soonest due first.\nExample: incident followup list --mine --overdue")
            { onIncident, mine, owner, status, overdue, severity, tag, all };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var query = new List<string>();
            void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
            Add("incident", r.GetValue(onIncident));
            Add("owner", r.GetValue(mine) ? "me" : r.GetValue(owner));
            Add("status", r.GetValue(status));
            if (r.GetValue(overdue)) Add("overdue", "true");
            Add("severity", r.GetValue(severity));
            Add("tag", r.GetValue(tag));
            var followUps = await Pages.ReadAsync(cli.Api(r), "/api/followups" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), r.GetValue(all), ct);
            cli.Output(r).List(followUps, "id", Field("follow-up", "id", Kind.Id), Field("title", "title"), Field("owner", "owner"), State("status", "status"),
                Time("due", "dueAt"), new("overdue", e => e.GetProperty("overdue").GetBoolean() ? "yes" : "no"), State("severity", "severity"),
                new("tags", e => string.Join(",", e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))));
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("followup") { Description = "The follow-up's id" };
        var show = new Command("show", "One follow-up.\nExample: incident followup show 01a2…") { id };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var found = await cli.Api(r).GetAsync($"/api/followups/{Uri.EscapeDataString(r.GetValue(id)!)}", ct);
            cli.Output(r).Item(found, "id", Field("follow-up", "id"), Field("incident", "incidentId"), Field("title", "title"), Field("description", "description"),
                Field("owner", "owner"), State("status", "status"), Field("reason", "reason"), Field("priority", "priority"), Time("due", "dueAt"),
                new("overdue", e => e.GetProperty("overdue").GetBoolean() ? "yes" : "no"),
                new("tags", e => string.Join(",", e.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))), Field("created by", "createdBy"),
                Time("created", "createdAt"), Time("closed", "closedAt"),
                new("in trackers", e => string.Join("; ", e.GetProperty("links").EnumerateArray().Select(l => $"{Text(l, "key")} {Text(l, "url")}"))));
            return ExitCodes.Ok;
        }));

        var incident = new Argument<string>("incident") { Description = "The incident it follows" };
        var title = new Option<string>("--title") { Required = true, Description = "What is to be done" };
        var description = new Option<string?>("--description") { Description = "More about it" };
        var ownedBy = new Option<string?>("--owner") { Description = "Who owns it: alice, user:alice or oncall:<rotation> (default the commander)" };
        var due = new Option<string?>("--due") { Description = "A date (2027-01-15), a date and time, or a duration (14d); default by severity" };
        var priority = new Option<string?>("--priority") { Description = "low, medium, high or urgent (default by severity)" };
        priority.AcceptOnlyFromAmong(FollowUpPriorities.All);
        var tags = new Option<string[]>("--tag") { Description = "A tag (repeat for more), like safeguard or programme:ai-training", AllowMultipleArgumentsPerToken = false };
        var create = new Command("create", "Create a follow-up of an incident (its commander and participants).\n" +
                                           "Example: incident followup create 01a2… --title \"Give the dataset an owner\" --owner hana.owner --due 30d --tag safeguard")
            { incident, title, description, ownedBy, due, priority, tags };
        create.SetAction(cli.Run(async (r, ct) =>
        {
            var created = await cli.Api(r).PostAsync($"/api/incidents/{Uri.EscapeDataString(r.GetValue(incident)!)}/followups",
                new Contracts.CreateFollowUp(r.GetValue(title), r.GetValue(description), r.GetValue(ownedBy), r.GetValue(due), r.GetValue(priority),
                    r.GetValue(tags) is { Length: > 0 } given ? [.. given] : null), ct);
            var followUpId = Text(created, "followUpId");
            cli.Output(r).Answer(created, $"Created follow-up {followUpId} for {Text(created, "owner")}, due {created.GetProperty("dueAt").GetDateTimeOffset():yyyy-MM-dd}.",
                followUpId);
            return ExitCodes.Ok;
        }));

        var to = new Argument<string>("status") { Description = "open, in-progress, done or wont-do" };
        to.AcceptOnlyFromAmong(FollowUpStatuses.All);
        var reason = new Option<string?>("--reason") { Description = "Why (required for wont-do)" };
        var change = new Command("status", "Move a follow-up to another status.\nExample: incident followup status 01a2… wont-do --reason \"the pipeline is retired\"")
            { id, to, reason };
        change.SetAction(cli.Run((r, ct) => ChangeAsync(cli, r, r.GetValue(id)!, r.GetValue(to)!, r.GetValue(reason), ct)));
        var done = new Command("done", "Mark a follow-up done.\nExample: incident followup done 01a2…") { id };
        done.SetAction(cli.Run((r, ct) => ChangeAsync(cli, r, r.GetValue(id)!, "done", null, ct)));

        var tracker = new Option<string>("--tracker") { Required = true, Description = "A tracker the service is configured with (github, jira, …)" };
        var export = new Command("export", "Export a follow-up to the team's tracker: one issue, however often you ask; its closing there marks it done here.\n" +
                                           "Example: incident followup export 01a2… --tracker github") { id, tracker };
        export.SetAction(cli.Run(async (r, ct) =>
        {
            var accepted = await cli.Api(r).PostAsync($"/api/followups/{Uri.EscapeDataString(r.GetValue(id)!)}/export",
                new Contracts.ExportFollowUpTo(r.GetValue(tracker)), ct);
            cli.Output(r).Answer(accepted, accepted.TryGetProperty("link", out var link) && link.ValueKind == JsonValueKind.Object
                ? $"Already in {r.GetValue(tracker)} as {Text(link, "key")}: {Text(link, "url")}"
                : $"Exporting to {r.GetValue(tracker)}: `incident followup show {r.GetValue(id)}` gives the issue once it is made.", r.GetValue(id));
            return ExitCodes.Ok;
        }));

        return new Command("followup", "Follow-ups of incidents: owned, due, reminded and escalated until done") { list, show, create, change, done, export };
    }

    private static async Task<int> ChangeAsync(CliContext cli, ParseResult r, string id, string status, string? reason, CancellationToken ct)
    {
        await cli.Api(r).PostAsync($"/api/followups/{Uri.EscapeDataString(id)}/status", new Contracts.ChangeFollowUpStatus(status, reason), ct);
        cli.Output(r).Say($"Follow-up {id} is {status}.");
        return ExitCodes.Ok;
    }
}
