using System.Globalization;

namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>Resolves the paths of an expression; an unknown or absent value is null.</summary>
public interface IExpressionScope
{
    object? Resolve(IReadOnlyList<string> path);
}

/// <summary>
/// Evaluates expressions over strings, decimals, booleans, null and lists. Comparing two
/// severities follows low &lt; medium &lt; high &lt; critical; comparing with null is false.
/// </summary>
public static class Evaluator
{
    public static object? Evaluate(Expr expr, IExpressionScope scope) => expr switch
    {
        LiteralExpr l => l.Value,
        PathExpr p => Normalise(scope.Resolve(p.Segments)),
        ListExpr l => l.Items.Select(i => Evaluate(i, scope)).ToList(),
        NotExpr n => !Truth(Evaluate(n.Operand, scope), n.Offset),
        BinaryExpr { Operator: "&&" } b => Truth(Evaluate(b.Left, scope), b.Offset) && Truth(Evaluate(b.Right, scope), b.Offset),
        BinaryExpr { Operator: "||" } b => Truth(Evaluate(b.Left, scope), b.Offset) || Truth(Evaluate(b.Right, scope), b.Offset),
        BinaryExpr b => Compare(b.Operator, Evaluate(b.Left, scope), Evaluate(b.Right, scope), b.Offset),
        _ => throw new ExpressionException("unknown expression", expr.Offset),
    };

    /// <summary>A condition: true, false, or null (which counts as false).</summary>
    public static bool Condition(Expr expr, IExpressionScope scope) => Truth(Evaluate(expr, scope), expr.Offset);

    public static bool ValuesEqual(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (decimal x, decimal y) => x == y,
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (IReadOnlyList<object?> x, IReadOnlyList<object?> y) => x.Count == y.Count && x.Zip(y).All(p => ValuesEqual(p.First, p.Second)),
        _ => false,
    };

    public static string Display(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<object?> list => string.Join(", ", list.Select(Display)),
        _ => value.ToString() ?? "",
    };

    /// <summary>Brings host values (ints, doubles, arrays) into the language's few types.</summary>
    public static object? Normalise(object? value) => value switch
    {
        null or string or bool or decimal => value,
        int i => (decimal)i,
        long l => (decimal)l,
        double d => (decimal)d,
        float f => (decimal)f,
        Enum e => e.ToString().ToLowerInvariant(),
        IReadOnlyList<object?> list => list.Select(Normalise).ToList(),
        System.Collections.IEnumerable items => items.Cast<object?>().Select(Normalise).ToList(),
        _ => value.ToString(),
    };

    private static bool Truth(object? value, int offset) => value switch
    {
        null => false,
        bool b => b,
        _ => throw new ExpressionException($"expected true or false, got {Describe(value)}", offset),
    };

    private static bool Compare(string op, object? left, object? right, int offset)
    {
        switch (op)
        {
            case "==": return ValuesEqual(left, right);
            case "!=": return !ValuesEqual(left, right);
            case "in": return Contains(right, left, offset);
            case "contains": return Contains(left, right, offset);
        }

        if (left is null || right is null) return false;
        var order = (left, right) switch
        {
            (decimal x, decimal y) => x.CompareTo(y),
            (string x, string y) when Severities.IsSeverity(x) && Severities.IsSeverity(y) => Severities.Rank(x).CompareTo(Severities.Rank(y)),
            (string x, string y) => string.CompareOrdinal(x, y),
            _ => throw new ExpressionException($"cannot order {Describe(left)} and {Describe(right)}", offset),
        };
        return op switch
        {
            "<" => order < 0,
            "<=" => order <= 0,
            ">" => order > 0,
            ">=" => order >= 0,
            _ => throw new ExpressionException($"unknown operator '{op}'", offset),
        };
    }

    private static bool Contains(object? container, object? item, int offset) => container switch
    {
        null => false,
        IReadOnlyList<object?> list => list.Any(x => ValuesEqual(x, item)),
        string text when item is string part => text.Contains(part, StringComparison.Ordinal),
        string => false,
        _ => throw new ExpressionException($"'in' and 'contains' need a list (or text), got {Describe(container)}", offset),
    };

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        IReadOnlyList<object?> => "a list",
        _ => value.GetType().Name,
    };
}
