using System.Security.Claims;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Incidents.Reviewing;

/// <summary>
/// The post-incident review is written by those who took part in the incident (its commander and participants) and administrators, field
/// by field: each change is an event saying who wrote which field when. A closed incident's review is final.
/// </summary>
public static class EditReviewEndpoint
{
    public static ProblemDetails Validate(EditIncidentReview? edit)
    {
        if (edit is null) return Problems.MissingBody();
        var validation = new Problems.Validation();
        foreach (var field in ReviewFields.All)
            validation.Require((field.From(edit)?.Length ?? 0) <= ReviewFields.MaxLength, field.Key, $"At most {ReviewFields.MaxLength} characters.");
        return validation.Require(ReviewFields.All.Any(f => f.From(edit) is not null), IncomingText.Body,
            $"Nothing to change: give at least one of {string.Join(", ", ReviewFields.All.Select(f => f.Key))}.").ToProblem();
    }

    /// <summary><c>PUT /api/incidents/{id}/review</c>: writes the fields given (an empty text clears one); those left out stay.</summary>
    [WolverinePut("/api/incidents/{id}/review"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Put(Guid id, EditIncidentReview edit, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct) => (await EditAsync(id, edit, commands, user.Caller(), now, ct)).ToHttp();

    public static Task<Outcome> EditAsync(Guid id, EditIncidentReview edit, IncidentCommands commands, Caller caller, DateTimeOffset now,
        CancellationToken ct) =>
        commands.DecideAsync(id, incident => WhyNotWrite(incident, caller) is { } why
            ? IncidentDecision.Refuse(why)
            : IncidentDecision.Append([.. ReviewFields.All
                .Select(f => (f.Key, Text: f.From(edit)?.ReplaceLineEndings("\n").Trim()))
                .Where(f => f.Text is not null && f.Text != incident.Review.GetValueOrDefault(f.Key, ""))
                .Select(f => new IncidentReviewEdited(id, f.Key, f.Text!, caller.Subject, now))]), ct);

    /// <summary>Why the caller may not write the incident's review now, or null when they may.</summary>
    public static Refusal? WhyNotWrite(Incident incident, Caller caller) =>
        !caller.TakesPart(incident)
            ? Refusal.Forbidden("Not a participant", "The review is written by the incident's commander and participants; ask the commander to add you.")
            : incident.Status == IncidentStatus.Closed
                ? Refusal.Conflict("The incident is closed", "A closed incident's review is final.")
                : null;
}

/// <summary>What the review meeting decided goes on the timeline, with who recorded it and when.</summary>
public static class RecordReviewDecisionEndpoint
{
    public const int MaxLength = 4000;

    public static ProblemDetails Validate(RecordReviewDecision? decision) => decision is null
        ? Problems.MissingBody()
        : new Problems.Validation()
            .Require(!string.IsNullOrWhiteSpace(decision.Decision), "decision", "What was decided is required.")
            .Require((decision.Decision?.Length ?? 0) <= MaxLength, "decision", $"At most {MaxLength} characters.")
            .ToProblem();

    /// <summary><c>POST /api/incidents/{id}/review/decisions</c>: records a decision of the review meeting.</summary>
    [WolverinePost("/api/incidents/{id}/review/decisions"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Post(Guid id, RecordReviewDecision decision, IncidentCommands commands, ClaimsPrincipal user, DateTimeOffset now,
        CancellationToken ct) => (await RecordAsync(id, decision, commands, user.Caller(), now, ct)).ToHttp();

    public static Task<Outcome> RecordAsync(Guid id, RecordReviewDecision decision, IncidentCommands commands, Caller caller, DateTimeOffset now,
        CancellationToken ct) =>
        commands.DecideAsync(id, incident => EditReviewEndpoint.WhyNotWrite(incident, caller) is { } why
            ? IncidentDecision.Refuse(why)
            : IncidentDecision.Append(new IncidentReviewDecisionRecorded(id, decision.Decision!.Trim(), caller.Subject, now)), ct);
}
