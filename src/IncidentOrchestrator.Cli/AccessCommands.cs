using System.CommandLine;
using static IncidentOrchestrator.Cli.Output;

namespace IncidentOrchestrator.Cli;

/// <summary>Access to catalogued datasets: ask for it, and follow what became of it.</summary>
public static class AccessCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        var dataset = new Option<string>("--dataset") { Required = true, Description = "The catalogued dataset, e.g. hr.employee_activity" };
        var grantee = new Option<string>("--grantee") { Required = true, Description = "The database role that is to read it" };
        var purpose = new Option<string>("--purpose") { Required = true, Description = "One of the dataset's purposes, e.g. analytics" };
        var duration = new Option<string>("--for") { Required = true, Description = "How long, at most the dataset's longest grant: 8h, 5d" };
        var reason = new Option<string>("--reason") { Required = true, Description = "Why the access is needed" };
        var ticket = new Option<string?>("--ticket") { Description = "A change or privacy ticket, if any" };
        var breakGlass = new Option<bool>("--break-glass") { Description = "An emergency, where the catalogue allows it: granted at once, reviewed by its approvers after" };
        var request = new Command("request", "Ask for a role to read a dataset for a time: its approvers decide, then it is granted and taken back at its end.\n" +
                                             "Example: incident access request --dataset hr.employee_activity --grantee attrition_study --purpose analytics --for 5d --reason \"Q4 study\"")
            { dataset, grantee, purpose, duration, reason, ticket, breakGlass };
        request.SetAction(cli.Run(async (r, ct) =>
        {
            var accepted = await cli.Api(r).PostAsync("/api/access-requests", new Contracts.RequestAccess(r.GetValue(dataset), r.GetValue(grantee),
                r.GetValue(purpose), r.GetValue(duration), r.GetValue(reason), r.GetValue(ticket), r.GetValue(breakGlass) ? true : null), ct);
            var output = cli.Output(r);
            output.Item(accepted, "requestId", Field("request", "requestId"), Field("run", "runId"));
            output.Say("Asked: its approvers decide in My work; `incident access show` follows it.");
            return ExitCodes.Ok;
        }));

        var status = new Option<string?>("--status") { Description = "pending, granted, ended, refused, withdrawn, expired, failed, unrevoked (or a comma list)" };
        var onDataset = new Option<string?>("--dataset") { Description = "Only requests for this dataset" };
        var mine = new Option<bool>("--mine") { Description = "Only the requests you made" };
        var all = new Option<bool>("--all") { Description = "Follow every page (else the first 50)" };
        var list = new Command("list", "The access requests you may see (yours, those you are asked to decide), newest first.\n" +
                                       "Example: incident access list --status pending,granted") { status, onDataset, mine, all };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var query = new List<string>();
            void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
            Add("status", r.GetValue(status));
            Add("dataset", r.GetValue(onDataset));
            if (r.GetValue(mine)) Add("mine", "true");
            var requests = await Pages.ReadAsync(cli.Api(r), "/api/access-requests" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), r.GetValue(all), ct);
            cli.Output(r).List(requests, "requestId", Field("request", "requestId"), Field("dataset", "dataset"), Field("grantee", "grantee"),
                Field("status", "status"), Field("for", "duration"), Field("by", "requestedBy"), Time("asked", "requestedAt"), Time("ends", "endsAt"));
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("request") { Description = "The request's id" };
        var show = new Command("show", "One access request: its status, who decided, when it was granted and when it ends.\nExample: incident access show 01a2…") { id };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var found = await cli.Api(r).GetAsync($"/api/access-requests/{Uri.EscapeDataString(r.GetValue(id)!)}", ct);
            cli.Output(r).Item(found, "requestId", Field("request", "requestId"), Field("dataset", "dataset"), Field("grantee", "grantee"),
                Field("purpose", "purpose"), Field("for", "duration"), Field("reason", "reason"), Field("status", "status"), Field("asked by", "requestedBy"),
                new("approvers", e => $"{Text(e, "quorum")} of {string.Join(", ", e.GetProperty("approvers").EnumerateArray())}"),
                new("decisions", e => string.Join("; ", e.GetProperty("decisions").EnumerateArray().Select(d => $"{Text(d, "by")} {Text(d, "decision")}"))),
                Time("granted", "grantedAt"), Time("ends", "endsAt"), Time("ended", "endedAt"), Field("ended by", "endedBy"), Field("why it ended", "endReason"), Field("extends", "extends"), Field("held on by", "handedOverTo"),
                new("run", e => e.TryGetProperty("run", out var run) && run.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? string.Join("; ", run.GetProperty("steps").EnumerateArray().Select(x => $"{Text(x, "id")} {Text(x, "status")}"))
                    : ""));
            return ExitCodes.Ok;
        }));

        var why = new Option<string>("--reason") { Required = true, Description = "Why it ends before its time" };
        var revoke = new Command("revoke", "End a request now: a pending one is withdrawn; a granted one is revoked on its database and read back.\n" +
                                           "Example: incident access revoke 01a2… --reason \"study finished\"") { id, why };
        revoke.SetAction(cli.Run(async (r, ct) =>
        {
            var requestId = Uri.EscapeDataString(r.GetValue(id)!);
            await cli.Api(r).PostAsync($"/api/access-requests/{requestId}/revoke", new Contracts.EndAccess(r.GetValue(why)), ct);
            cli.Output(r).Say("Ending it: `incident access show` says when it is withdrawn, or revoked and read back.");
            return ExitCodes.Ok;
        }));

        var longer = new Option<string>("--for") { Required = true, Description = "How long the extension lasts from its grant: 8h, 5d" };
        var whyLonger = new Option<string>("--reason") { Required = true, Description = "Why the access is needed for longer" };
        var extend = new Command("extend", "Ask to hold a granted request's access on: its approvers decide again; granted before its end, there is no revoke in between.\n" +
                                           "Example: incident access extend 01a2… --for 5d --reason \"the study runs on\"") { id, longer, whyLonger };
        extend.SetAction(cli.Run(async (r, ct) =>
        {
            var accepted = await cli.Api(r).PostAsync($"/api/access-requests/{Uri.EscapeDataString(r.GetValue(id)!)}/extend",
                new Contracts.ExtendAccess(r.GetValue(longer), r.GetValue(whyLonger)), ct);
            var output = cli.Output(r);
            output.Item(accepted, "requestId", Field("request", "requestId"), Field("run", "runId"));
            output.Say("Asked again: the extension's approvers decide; `incident access show` follows it.");
            return ExitCodes.Ok;
        }));

        yield return new Command("access", "Access to catalogued datasets: request it, list and follow requests, extend or end one, review who holds it")
            { request, list, show, extend, revoke, Review(cli) };
    }

    /// <summary><c>incident access review open|list|show|answer</c>: who holds a dataset's access, put to its owner to keep or revoke.</summary>
    private static Command Review(CliContext cli)
    {
        var dataset = new Option<string>("--dataset") { Required = true, Description = "The catalogued dataset whose access is reviewed" };
        var within = new Option<string?>("--within") { Description = "How long its owner has to answer (default the service's, 7d)" };
        var open = new Command("open", "Review a dataset's access now: each standing or long-lived grant becomes a task for its owner, keep or revoke.\n" +
                                       "Example: incident access review open --dataset hr.employee_activity --within 3d") { dataset, within };
        open.SetAction(cli.Run(async (r, ct) =>
        {
            var accepted = await cli.Api(r).PostAsync("/api/access-reviews", new Contracts.OpenAccessReview(r.GetValue(dataset), r.GetValue(within)), ct);
            var output = cli.Output(r);
            output.Item(accepted, "reviewId", Field("review", "reviewId"), Field("grants", "grants"));
            output.Say("Opened: its owner answers in My work or with `incident access review answer`.");
            return ExitCodes.Ok;
        }));

        var onDataset = new Option<string?>("--dataset") { Description = "Only reviews of this dataset" };
        var status = new Option<string?>("--status") { Description = "open or completed" };
        var overdue = new Option<bool>("--overdue") { Description = "Only open reviews past their due date" };
        var all = new Option<bool>("--all") { Description = "Follow every page (else the first 50)" };
        var list = new Command("list", "The access reviews of datasets you answer for, newest first.\nExample: incident access review list --overdue")
            { onDataset, status, overdue, all };
        list.SetAction(cli.Run(async (r, ct) =>
        {
            var query = new List<string>();
            void Add(string name, string? value) { if (!string.IsNullOrEmpty(value)) query.Add($"{name}={Uri.EscapeDataString(value)}"); }
            Add("dataset", r.GetValue(onDataset));
            Add("status", r.GetValue(status));
            if (r.GetValue(overdue)) Add("overdue", "true");
            var reviews = await Pages.ReadAsync(cli.Api(r), "/api/access-reviews" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), r.GetValue(all), ct);
            cli.Output(r).List(reviews, "id", Field("review", "id"), Field("dataset", "dataset"), Field("why", "trigger"), Field("status", "status"),
                new("answered", e => $"{e.GetProperty("items").EnumerateArray().Count(i => i.GetProperty("decision").ValueKind != System.Text.Json.JsonValueKind.Null)} of {e.GetProperty("items").GetArrayLength()}"),
                new("overdue", e => e.GetProperty("overdue").GetBoolean() ? "yes" : "no"), Time("opened", "openedAt"), Time("due", "dueBy"));
            return ExitCodes.Ok;
        }));

        var id = new Argument<string>("review") { Description = "The review's id" };
        var show = new Command("show", "One access review: each grant under review and its answer.\nExample: incident access review show 01a2…") { id };
        show.SetAction(cli.Run(async (r, ct) =>
        {
            var found = await cli.Api(r).GetAsync($"/api/access-reviews/{Uri.EscapeDataString(r.GetValue(id)!)}", ct);
            cli.Output(r).Item(found, "id", Field("review", "id"), Field("dataset", "dataset"), Field("classification", "classification"), Field("why", "trigger"),
                Field("status", "status"), Field("owner", "owner"), Field("escalates to", "escalateTo"), Time("opened", "openedAt"), Time("due", "dueBy"),
                Time("deadline", "deadlineAt"), new("overdue", e => e.GetProperty("overdue").GetBoolean() ? "yes" : "no"),
                new("grants", e => string.Join("; ", e.GetProperty("items").EnumerateArray().Select(Grant))));
            return ExitCodes.Ok;
        }));

        static string Grant(System.Text.Json.JsonElement i) => $"{Text(i, "grantee")} ({Text(i, "kind")}): " + (
            i.GetProperty("decision").ValueKind == System.Text.Json.JsonValueKind.Null ? "unanswered"
            : Text(i, "decision") == "keep" ? $"kept by {Text(i, "by")}"
            : i.GetProperty("revoked").GetBoolean() ? $"revoked by {Text(i, "by")}, read back: {(i.GetProperty("couldStillRead").GetBoolean() ? "can still read through another role" : "no access")}"
            : $"rejected by {Text(i, "by")}, being revoked") + (i.GetProperty("revokeFailure").GetString() is { } failure ? $" ({failure})" : "");

        var grantee = new Option<string>("--grantee") { Required = true, Description = "The role whose access is answered for" };
        var keep = new Option<bool>("--keep") { Description = "Keep it (a reason is required)" };
        var revoke = new Option<bool>("--revoke") { Description = "Revoke it: the revoke follows on the database, read back" };
        var reason = new Option<string?>("--reason") { Description = "Why" };
        var answer = new Command("answer", "Keep or revoke one grant under review.\n" +
                                           "Example: incident access review answer 01a2… --grantee hr_analysts --keep --reason \"daily reports\"") { id, grantee, keep, revoke, reason };
        answer.SetAction(cli.Run(async (r, ct) =>
        {
            var decision = (r.GetValue(keep), r.GetValue(revoke)) switch
            {
                (true, false) => "keep",
                (false, true) => "revoke",
                _ => throw new CliException(ExitCodes.Usage, "Say --keep or --revoke (one of them)."),
            };
            await cli.Api(r).PostAsync($"/api/access-reviews/{Uri.EscapeDataString(r.GetValue(id)!)}/answer",
                new Contracts.AnswerAccessReview(r.GetValue(grantee), decision, r.GetValue(reason)), ct);
            cli.Output(r).Say(decision == "keep" ? "Kept." : "Revoking: `incident access review show` says when it is read back.");
            return ExitCodes.Ok;
        }));

        return new Command("review", "Access reviews: who holds a dataset's access, put to its owner to keep or revoke") { open, list, show, answer };
    }
}
