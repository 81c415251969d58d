using IncidentOrchestrator.Playbooks.Expressions;

namespace IncidentOrchestrator.Playbooks.Tests.Expressions;

/// <summary>
/// Property-style: thousands of random expressions are printed without redundant parentheses
/// and checked against an independent evaluator working on the tree that generated them.
/// </summary>
public sealed class precedence_matches_a_reference_evaluator
{
    private abstract record Node;
    private sealed record Lit(bool? Value) : Node;
    private sealed record Num(int Left, string Op, int Right) : Node;
    private sealed record Not(Node Operand) : Node;
    private sealed record Bin(string Op, Node Left, Node Right) : Node;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void random_boolean_expressions_evaluate_as_their_tree_says(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 1500; i++)
        {
            var tree = Generate(random, depth: 5);
            var text = Print(tree, parentPrecedence: 0);
            var expected = Reference(tree);
            var actual = Evaluator.Condition(ExpressionParser.Parse(text), new ValueScope()); // null counts as false
            Assert.True(expected == actual, $"{text}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void and_binds_tighter_than_or_and_not_tighter_than_both()
    {
        var parsed = (BinaryExpr)ExpressionParser.Parse("a || b && c");
        Assert.Equal("||", parsed.Operator);
        Assert.Equal("&&", ((BinaryExpr)parsed.Right).Operator);
        var negated = (BinaryExpr)ExpressionParser.Parse("!a && b");
        Assert.IsType<NotExpr>(negated.Left);
        var compared = (BinaryExpr)ExpressionParser.Parse("a == b && c != d");
        Assert.Equal("&&", compared.Operator);
    }

    private static Node Generate(Random random, int depth)
    {
        if (depth == 0 || random.Next(4) == 0)
            return random.Next(3) == 0
                ? new Num(random.Next(-3, 4), new[] { "<", "<=", ">", ">=", "==", "!=" }[random.Next(6)], random.Next(-3, 4))
                : new Lit(random.Next(5) switch { 0 => null, 1 or 2 => true, _ => false });
        return random.Next(5) switch
        {
            0 => new Not(Generate(random, depth - 1)),
            1 or 2 => new Bin("&&", Generate(random, depth - 1), Generate(random, depth - 1)),
            _ => new Bin("||", Generate(random, depth - 1), Generate(random, depth - 1)),
        };
    }

    private static int Precedence(Node node) => node switch { Bin { Op: "||" } => 1, Bin => 2, Num => 3, _ => 4 };

    // Parenthesises only where precedence requires (left-associative, so a right operand of equal precedence needs them).
    private static string Print(Node node, int parentPrecedence, bool rightOperand = false)
    {
        var text = node switch
        {
            Lit l => l.Value is null ? "null" : l.Value.Value ? "true" : "false",
            Num n => $"{n.Left} {n.Op} {n.Right}",
            Not n => "!" + Print(n.Operand, 4),
            Bin b => $"{Print(b.Left, Precedence(b))} {b.Op} {Print(b.Right, Precedence(b), rightOperand: true)}",
            _ => throw new InvalidOperationException(),
        };
        var own = Precedence(node);
        return own < parentPrecedence || (rightOperand && own == parentPrecedence) ? $"({text})" : text;
    }

    private static bool Reference(Node node) => node switch
    {
        Lit l => l.Value ?? false,
        Num n => n.Op switch
        {
            "<" => n.Left < n.Right, "<=" => n.Left <= n.Right, ">" => n.Left > n.Right,
            ">=" => n.Left >= n.Right, "==" => n.Left == n.Right, _ => n.Left != n.Right,
        },
        Not n => !Reference(n.Operand),
        Bin { Op: "&&" } b => Reference(b.Left) && Reference(b.Right),
        Bin b => Reference(b.Left) || Reference(b.Right),
        _ => throw new InvalidOperationException(),
    };
}
