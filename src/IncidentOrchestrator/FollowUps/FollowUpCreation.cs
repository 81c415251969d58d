using System.Globalization;
using System.Text.RegularExpressions;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Incidents;
using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Tasks;

namespace IncidentOrchestrator.FollowUps;

/// <summary>
/// What creating a follow-up on an incident means, for every door that creates one (the API, the console, a playbook step): who owns it,
/// when it is due, how urgent it is, and the timers that remind its owner and escalate it once it is overdue.
/// </summary>
public static partial class FollowUpCreation
{
    public const int TitleMax = 200, DescriptionMax = 10_000, TagsMax = 20;

    /// <summary>What creating it records: the follow-up, need-to-know for its owner when they had none, a word to them, and its timers.</summary>
    public sealed record Created(FollowUpCreated Event, IReadOnlyList<object> Events, object Notice, IReadOnlyList<(object Message, DateTimeOffset At)> Timers);

    /// <summary>The request's own mistakes, each naming its field.</summary>
    public static Problems.Validation Check(CreateFollowUp request, Problems.Validation validation)
    {
        validation
            .Require(!string.IsNullOrWhiteSpace(request.Title), "title", "What is to be done is required.")
            .Require((request.Title?.Length ?? 0) <= TitleMax, "title", $"At most {TitleMax} characters.")
            .Require((request.Description?.Length ?? 0) <= DescriptionMax, "description", $"At most {DescriptionMax} characters.")
            .Require(request.Priority is null || FollowUpPriorities.All.Contains(request.Priority), "priority",
                $"One of: {string.Join(", ", FollowUpPriorities.All)}.")
            .Require((request.Tags?.Count ?? 0) <= TagsMax, "tags", $"At most {TagsMax} tags.");
        foreach (var tag in request.Tags ?? [])
            if (TagProblem(tag) is { } problem) validation.Add("tags", problem);
        if (OwnerSyntax(request.Owner) is { } ownerError) validation.Add("owner", ownerError);
        if (request.Due is { } due && !TryParseDue(due, DateTimeOffset.UnixEpoch, out _))
            validation.Add("due", Durations.TryParse(due.Trim(), out _)
                ? $"'{due}' is no time at all: a follow-up is due some time from now (14d)."
                : $"'{due}' is neither a date or date and time in ISO 8601 (2027-01-15, 2027-01-15T12:00:00Z) nor a duration (14d).");
        return validation;
    }

    /// <summary>The follow-up <paramref name="request"/> asks for on <paramref name="incident"/>, or why it cannot be created.</summary>
    /// <param name="mayGrantNeedToKnow">Whether <paramref name="by"/> may give an owner who is no participant need-to-know (as adding a participant
    /// does): a commander, or a playbook's step.</param>
    public static Outcome<Created> Decide(Incident incident, CreateFollowUp request, Guid id, string by, bool mayGrantNeedToKnow, DateTimeOffset now,
        FollowUpOptions options, Rotations rotations, string? step = null)
    {
        var validation = Check(request, new Problems.Validation());
        if (validation.HasErrors) return Refusal.Invalid(validation.ToProblem("The follow-up is not valid"));

        var owner = OwnerOf(request.Owner, incident, rotations, now, out var ownerError);
        if (owner is null) return Refusal.Invalid(new Problems.Validation().Add("owner", ownerError!).ToProblem("The follow-up is not valid"));
        if (!incident.Participants.Contains(owner) && !mayGrantNeedToKnow)
            return Refusal.Forbidden("The owner takes no part in the incident",
                $"{owner} is not a participant; owning the follow-up would give them need-to-know, which only a commander gives. Ask the commander to add them first.");
        var dueAt = request.Due is { } due && TryParseDue(due, now, out var given) ? given : now + options.DueWithin.Of(incident.Severity);
        if (dueAt <= now)
            return Refusal.Invalid(new Problems.Validation().Add("due", $"{dueAt:u} has passed; a follow-up is due later than now.")
                .ToProblem("The follow-up is not valid"));

        var created = new FollowUpCreated(incident.Id, id, request.Title!.Trim(), string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            owner, dueAt, request.Priority ?? FollowUpPriorities.Of(incident.Severity), (request.Tags ?? []).Select(Normal).Distinct().ToList(), incident.Severity,
            incident.Restricted, by, now, step);
        List<object> events = [created];
        if (!incident.Participants.Contains(owner)) events.Add(new ParticipantAdded(incident.Id, owner, by, now));
        // No title: a notice reaches channels that may not read the incident's texts; its link shows what the reader may.
        var notice = new Notifications.Notify(incident.Id, Notifications.NotificationKinds.FollowUp, $"A follow-up for you, due {dueAt:yyyy-MM-dd}",
            [$"user:{owner}"], id, dueAt, Notifications.NotificationKinds.FollowUpWork);
        return new Created(created, events, notice, FollowUpTimers.For(incident.Id, id, dueAt, now, options));
    }

    /// <summary>A date (its whole day, in UTC), a date and time, or a duration from <paramref name="now"/>.</summary>
    public static bool TryParseDue(string text, DateTimeOffset now, out DateTimeOffset due)
    {
        due = default;
        text = text.Trim();
        if (Durations.TryParse(text, out var within))
        {
            due = now + within;
            return within > TimeSpan.Zero;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            due = new DateTimeOffset(day.ToDateTime(new TimeOnly(23, 59, 59)), TimeSpan.Zero);
            return true;
        }
        return DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out due);
    }

    private static readonly string[] IsoFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>Tags as one comma-separated text (a form's field) reads them.</summary>
    public static List<string> SplitTags(string text) => [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Tags as a playbook's parameter gives them: a list, or one comma-separated text.</summary>
    public static List<string> TagsOf(object? value) => value switch
    {
        null => [],
        string text => SplitTags(text),
        IEnumerable<object?> items => [.. items.Select(i => Playbooks.Expressions.Evaluator.Display(i).Trim()).Where(t => t.Length > 0)],
        _ => [Playbooks.Expressions.Evaluator.Display(value)],
    };

    /// <summary>A tag is compared in lower case (<c>programme:Activity-Insights</c> is <c>programme:activity-insights</c>).</summary>
    public static string Normal(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>What is wrong with a tag, or null when it is one.</summary>
    public static string? TagProblem(string? tag) => tag is not null && Tag().IsMatch(Normal(tag))
        ? null
        : $"'{tag}' is not a tag: letters, digits and - _ . : / (like safeguard or programme:ai-training), at most 100.";

    private static string? OwnerSyntax(string? owner) => owner switch
    {
        null => null,
        _ when string.IsNullOrWhiteSpace(owner) || owner.Length > 200 || owner.Any(char.IsWhiteSpace) =>
            "A person (alice, or user:alice) or oncall:<rotation>, without spaces, at most 200 characters.",
        _ when owner.StartsWith("role:", StringComparison.Ordinal) || owner.StartsWith(Principals.PolicyPrefix, StringComparison.Ordinal) =>
            $"'{owner}' is not a person: a follow-up is owned by one person (alice, user:alice, or oncall:<rotation> for whoever is on call).",
        _ when owner.Contains(':') && !Principals.IsValid(owner) => $"'{owner}' is not a person (alice, user:alice) or oncall:<rotation>.",
        _ => null,
    };

    private static string? OwnerOf(string? given, Incident incident, Rotations rotations, DateTimeOffset now, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(given))
        {
            if (incident.Commander is { } commander) return commander;
            error = "The incident has no commander to own it by default; name an owner.";
            return null;
        }
        var resolved = rotations.Resolve(given, now);
        if (resolved.StartsWith("user:", StringComparison.Ordinal)) return resolved["user:".Length..];
        if (!resolved.Contains(':')) return resolved;
        error = $"Nobody is on call in {given["oncall:".Length..]} now; name a person.";
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_.:/-]{0,99}$")]
    private static partial Regex Tag();
}
