namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>An expression of the playbook language: literals, paths and operators, never code.</summary>
public abstract record Expr(int Offset);

public sealed record LiteralExpr(object? Value, int Offset) : Expr(Offset);

/// <summary>A dotted path such as <c>inputs.dataset</c> or <c>steps.approve-resume.outcome</c>.</summary>
public sealed record PathExpr(IReadOnlyList<string> Segments, int Offset) : Expr(Offset)
{
    public string Text => string.Join('.', Segments);
}

public sealed record NotExpr(Expr Operand, int Offset) : Expr(Offset);

public sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Offset) : Expr(Offset);

public sealed record ListExpr(IReadOnlyList<Expr> Items, int Offset) : Expr(Offset);

public static class ExprWalk
{
    public static IEnumerable<PathExpr> Paths(this Expr expr) => expr switch
    {
        PathExpr p => [p],
        NotExpr n => n.Operand.Paths(),
        BinaryExpr b => b.Left.Paths().Concat(b.Right.Paths()),
        ListExpr l => l.Items.SelectMany(Paths),
        _ => [],
    };
}
