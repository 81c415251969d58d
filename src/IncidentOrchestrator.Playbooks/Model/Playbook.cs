using IncidentOrchestrator.Playbooks.Yaml;

namespace IncidentOrchestrator.Playbooks.Model;

/// <summary>A loaded playbook. <see cref="Hash"/> is the SHA-256 of <see cref="Source"/>, the exact text it came from.</summary>
public sealed record Playbook(
    string Name,
    string Title,
    string? Description,
    string? Severity,
    bool Restricted,
    IReadOnlyList<Trigger> Triggers,
    IReadOnlyList<InputDefinition> Inputs,
    StepDefaults Defaults,
    IReadOnlyList<Step> Steps,
    string Hash,
    string Source,
    string File,
    Position NamePosition)
{
    /// <summary>What the playbook's runs act for: an incident (the default), or an access request (<see cref="Subjects"/>).</summary>
    public string Subject { get; init; } = Subjects.Incident;

    public Step? Step(string id) => Steps.FirstOrDefault(s => s.Id == id);

    public InputDefinition? Input(string name) => Inputs.FirstOrDefault(i => i.Name == name);
}

/// <summary>
/// What a playbook's runs act for. An incident's runs are started on it by people and by signals; an access request's run
/// is started by the request (<c>POST /api/access-requests</c>) and runs on the request's own stream.
/// </summary>
public static class Subjects
{
    public const string Incident = "incident", AccessRequest = "access-request";

    public static readonly string[] All = [Incident, AccessRequest];

    /// <summary>Not a playbook's subject: what the tasks of a dataset's access review act for (the review's own stream).</summary>
    public const string AccessReview = "access-review";
}

public sealed record Trigger(string Signal, Condition? When, Position Position);

/// <summary>A parsed expression with the text and position it came from.</summary>
public sealed record Condition(string Text, Expressions.Expr Expr, Position Position);

public enum InputType { String, Number, Boolean, List }

public sealed record InputDefinition(string Name, InputType Type, bool Required, object? Default, string? Description, Position Position);

public sealed record RetryPolicy(int Attempts, TimeSpan Backoff, TimeSpan MaxBackoff)
{
    public static readonly RetryPolicy None = new(1, TimeSpan.Zero, TimeSpan.Zero);

    /// <summary>Exponential: backoff, 2×backoff, 4×backoff… capped at <see cref="MaxBackoff"/>.</summary>
    public TimeSpan DelayBefore(int attempt) => attempt <= 1
        ? TimeSpan.Zero
        : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, Backoff.Ticks * (1L << Math.Min(attempt - 2, 30))));
}

public sealed record StepDefaults(TimeSpan? Timeout, RetryPolicy? Retry)
{
    public static readonly StepDefaults None = new(null, null);
}
