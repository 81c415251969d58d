using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace IncidentOrchestrator.Hosting;

/// <summary>Problem details the endpoints return; one wording for one kind of error.</summary>
public static class Problems
{
    public static ProblemHttpResult NotFound(string what, object id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: $"{what} not found",
            detail: $"No {what.ToLowerInvariant()} with id '{id}' exists, or you may not see it.");

    public static ProblemHttpResult Conflict(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: title, detail: detail);

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
