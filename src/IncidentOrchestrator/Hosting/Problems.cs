using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Hosting;

/// <summary>Problem details the endpoints return; one wording for one kind of error.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) => TypedResults.Problem(Refusal.NotFound(what, id).ToProblem());


    /// <summary>Collects field errors; yields Wolverine's "no problems" marker when there are none.</summary>
    public sealed class Validation
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public Validation Require(bool condition, string field, string message)
        {
            if (!condition) Add(field, message);
            return this;
        }

        public Validation Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
            list.Add(message);
            return this;
        }

        public bool HasErrors => _errors.Count > 0;

        /// <summary>Whether <paramref name="field"/> has an error already.</summary>
        public bool Has(string field) => _errors.ContainsKey(field);

        public ProblemDetails ToProblem(string title = "The request is not valid") => !HasErrors
            ? WolverineContinue.NoProblems
            : new HttpValidationProblemDetails(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = title,
                Detail = string.Join(" ", _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))),
            };
    }

    public static ProblemDetails MissingBody() => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The request is not valid",
        Detail = "A JSON body is required.",
    };
}

/// <summary>The HTTP door's one mapping of an operation's outcome: problem details with the status of the refusal's kind.</summary>
public static class OutcomeResults
{
    public static int Status(this Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.UnprocessableText => StatusCodes.Status422UnprocessableEntity,
        RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Kind, "a refusal of a kind no door maps"),
    };

    public static ProblemDetails ToProblem(this Refusal refusal)
    {
        var problem = refusal.Errors is { } errors
            ? new HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => e.Value))
            : new ProblemDetails();
        problem.Status = refusal.Status();
        problem.Title = refusal.Title;
        problem.Detail = refusal.Detail;
        return problem;
    }

    /// <summary>Problem details; a text's located errors as validate answers them (<see cref="Playbooks.ValidationResult"/>).</summary>
    public static IResult ToHttp(this Refusal refusal) => refusal.Located is { } located
        ? TypedResults.Json(new Playbooks.ValidationResult(false, located), statusCode: refusal.Status())
        : refusal.ToProblemResult();

    public static ProblemHttpResult ToProblemResult(this Refusal refusal) => TypedResults.Problem(refusal.ToProblem());

    /// <summary>204 when done; the refusal's problem otherwise.</summary>
    public static IResult ToHttp(this Outcome outcome) => outcome.Refused?.ToHttp() ?? TypedResults.NoContent();

    public static IResult ToHttp(this Outcome outcome, Func<IResult> done) => outcome.Refused?.ToHttp() ?? done();

    public static IResult ToHttp<T>(this Outcome<T> outcome, Func<T, IResult> done) where T : class =>
        outcome.Refused?.ToHttp() ?? done(outcome.Value!);
}
