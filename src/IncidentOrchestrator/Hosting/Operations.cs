using Marten;
using Wolverine.Marten;

namespace IncidentOrchestrator.Hosting;

/// <summary>Runs an operation from a door other than the API (the console's forms, Slack's buttons) as Wolverine runs the API's.</summary>
public static class Operations
{
    /// <summary>
    /// With a session and the transactional outbox, as Wolverine gives them to the API's endpoints: what the operation
    /// changed is saved, with its messages, only when it is done.
    /// </summary>
    public static Task<Outcome> InTransactionAsync(HttpContext context, Func<IDocumentSession, Wolverine.IMessageBus, Task<Outcome>> operation) =>
        InTransactionAsync(context, operation, o => o.Succeeded);

    /// <inheritdoc cref="InTransactionAsync(HttpContext, Func{IDocumentSession, Wolverine.IMessageBus, Task{Outcome}})"/>
    public static Task<Outcome<T>> InTransactionAsync<T>(HttpContext context, Func<IDocumentSession, Wolverine.IMessageBus, Task<Outcome<T>>> operation)
        where T : class => InTransactionAsync(context, operation, o => o.Succeeded);

    private static async Task<TOutcome> InTransactionAsync<TOutcome>(HttpContext context, Func<IDocumentSession, Wolverine.IMessageBus, Task<TOutcome>> operation,
        Func<TOutcome, bool> done)
    {
        var outbox = context.RequestServices.GetRequiredService<IMartenOutbox>();
        await using var session = context.RequestServices.GetRequiredService<IDocumentStore>().LightweightSession();
        outbox.Enroll(session);
        var outcome = await operation(session, outbox);
        if (done(outcome)) await session.SaveChangesAsync(context.RequestAborted);
        return outcome;
    }

    /// <summary>A validation's answer (an endpoint's <c>Validate</c>), then, when it found no problem, the operation.</summary>
    public static async Task<Outcome> Validated(Microsoft.AspNetCore.Mvc.ProblemDetails validation, Func<Task<Outcome>> then) =>
        ReferenceEquals(validation, Wolverine.Http.WolverineContinue.NoProblems) ? await then() : Refusal.Invalid(validation);

    /// <inheritdoc cref="Validated(Microsoft.AspNetCore.Mvc.ProblemDetails, Func{Task{Outcome}})"/>
    public static async Task<Outcome<T>> Validated<T>(Microsoft.AspNetCore.Mvc.ProblemDetails validation, Func<Task<Outcome<T>>> then) where T : class =>
        ReferenceEquals(validation, Wolverine.Http.WolverineContinue.NoProblems) ? await then() : Refusal.Invalid(validation);
}
