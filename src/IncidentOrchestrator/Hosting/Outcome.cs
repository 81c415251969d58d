using IncidentOrchestrator.Playbooks;
using Microsoft.AspNetCore.Mvc;

namespace IncidentOrchestrator.Hosting;

public enum RefusalKind { Invalid, Forbidden, NotFound, Conflict, UnprocessableText, Unavailable }

/// <summary>
/// Why an operation changed nothing, in the kinds every door knows how to say: the request was invalid (with the fields
/// and what is wrong with each), a text it carried has errors at their lines and columns (a playbook, a dataset), the
/// caller may not do it, the thing does not exist (or is not theirs to see), or its state does not allow it now. The API
/// answers it as problem details (or the located errors); the console shows it beside the form; Slack says it.
/// </summary>
public sealed record Refusal(RefusalKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null,
    IReadOnlyList<ValidationErrorView>? Located = null)
{
    public static Refusal NotFound(string what, object id) =>
        new(RefusalKind.NotFound, $"{what} not found", $"No {what.ToLowerInvariant()} with id '{id}' exists, or you may not see it.");

    public static Refusal Forbidden(string title, string detail) => new(RefusalKind.Forbidden, title, detail);

    public static Refusal Conflict(string title, string detail) => new(RefusalKind.Conflict, title, detail);

    /// <summary>Something the operation needs did not answer: nothing was changed; the same request may succeed later.</summary>
    public static Refusal Unavailable(string title, string detail) => new(RefusalKind.Unavailable, title, detail);

    /// <summary>A restricted incident's read could not be recorded, so nothing of it is shown.</summary>
    public static readonly Refusal ReadNotRecorded = new(RefusalKind.Unavailable, "The read could not be recorded",
        "Reads of restricted incidents are recorded before anything is shown; recording failed, so nothing is shown. Try again later.");

    /// <summary>A validation's problem (<see cref="Problems.Validation"/>, an endpoint's <c>Validate</c>) as a refusal.</summary>
    public static Refusal Invalid(ProblemDetails problem) => new(RefusalKind.Invalid, problem.Title ?? "The request is not valid", problem.Detail ?? "",
        (problem as HttpValidationProblemDetails)?.Errors.ToDictionary(e => e.Key, e => e.Value));

    /// <summary>A text with errors, each at its line and column, as validating it reports them.</summary>
    public static Refusal UnprocessableText(IReadOnlyList<PlaybookError> errors) => new(RefusalKind.UnprocessableText, "The text has errors",
        $"{errors.Count} error(s): {string.Join("; ", errors.Take(3))}", Located: errors.Select(ValidationErrorView.Of).ToList());
}

/// <summary>What an operation did: done, or refused and why. Nothing decides success from a status code.</summary>
public sealed class Outcome
{
    private Outcome(Refusal? refused) => Refused = refused;

    public static readonly Outcome Done = new(null);

    public Refusal? Refused { get; }

    public bool Succeeded => Refused is null;

    public static implicit operator Outcome(Refusal refused) => new(refused);
}

/// <summary>What an operation did: done with its value, or refused and why.</summary>
public sealed class Outcome<T> where T : class
{
    private Outcome(T? value, Refusal? refused) => (Value, Refused) = (value, refused);

    public static Outcome<T> Done(T value) => new(value, null);

    /// <summary>The value, when it is done; null when refused.</summary>
    public T? Value { get; }

    public Refusal? Refused { get; }

    public bool Succeeded => Refused is null;

    public static implicit operator Outcome<T>(T value) => Done(value);

    public static implicit operator Outcome<T>(Refusal refused) => new(null, refused);

    /// <summary>Done or refused, without the value.</summary>
    public static implicit operator Outcome(Outcome<T> outcome) => outcome.Refused is { } refused ? refused : Outcome.Done;
}
