using IncidentOrchestrator.Playbooks.Expressions;

namespace IncidentOrchestrator.Playbooks.Tests.Expressions;

internal static class Scopes
{
    public static ValueScope Sample()
    {
        var scope = new ValueScope
        {
            Inputs = new Dictionary<string, object?>
            {
                ["dataset"] = "hr.employee_activity",
                ["programme"] = null,
                ["rows"] = 12_000m,
                ["dryRun"] = false,
                ["roles"] = new List<object?> { "all_engineers", "contractors" },
            },
            Incident = new Dictionary<string, object?> { ["severity"] = "high", ["restricted"] = true },
            Signal = new Dictionary<string, object?>
            {
                ["type"] = "dataset.acl_drift",
                ["severity"] = "critical",
                ["attributes"] = new Dictionary<string, object?> { ["grantee"] = "all_engineers", ["rows"] = 10m },
            },
        };
        scope.Steps["approve-resume"] = new ValueScope.StepState("approved", new Dictionary<string, object?>());
        scope.Steps["scope-exposure"] = new ValueScope.StepState("succeeded",
            new Dictionary<string, object?> { ["readers"] = new List<object?> { "ann", "bob" }, ["count"] = 2m });
        return scope;
    }

    public static object? Eval(string expression, IExpressionScope? scope = null) =>
        Evaluator.Evaluate(ExpressionParser.Parse(expression), scope ?? Sample());
}
