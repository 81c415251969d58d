namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>A string with <c>{{ expression }}</c> holes.</summary>
public sealed class Template
{
    private Template(string source, IReadOnlyList<object> parts)
    {
        Source = source;
        Parts = parts;
    }

    public string Source { get; }

    /// <summary>Literal text (<see cref="string"/>) and holes (<see cref="Expr"/>, offsets relative to the template).</summary>
    public IReadOnlyList<object> Parts { get; }

    public IEnumerable<Expr> Expressions => Parts.OfType<Expr>();

    public bool HasExpressions => Parts.Any(p => p is Expr);

    public static Template Parse(string source)
    {
        var parts = new List<object>();
        var i = 0;
        while (i < source.Length)
        {
            var open = source.IndexOf("{{", i, StringComparison.Ordinal);
            var strayClose = source.IndexOf("}}", i, StringComparison.Ordinal);
            if (strayClose >= 0 && (open < 0 || strayClose < open))
                throw new ExpressionException("'}}' without a matching '{{'", strayClose);
            if (open < 0)
            {
                parts.Add(source[i..]);
                break;
            }
            if (open > i) parts.Add(source[i..open]);

            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0) throw new ExpressionException("'{{' without a closing '}}'", open);
            var inner = source[(open + 2)..close];
            if (string.IsNullOrWhiteSpace(inner)) throw new ExpressionException("empty '{{ }}'", open);
            try
            {
                parts.Add(Shift(ExpressionParser.Parse(inner), open + 2));
            }
            catch (ExpressionException e)
            {
                throw new ExpressionException(e.Message, open + 2 + e.Offset);
            }
            i = close + 2;
        }
        return new Template(source, parts);
    }

    /// <summary>A template that is one hole and nothing else keeps the value's type; otherwise the result is text.</summary>
    public object? Render(IExpressionScope scope)
    {
        if (Parts is [Expr only]) return Evaluator.Evaluate(only, scope);
        return string.Concat(Parts.Select(p => p is Expr e ? Evaluator.Display(Evaluator.Evaluate(e, scope)) : (string)p));
    }

    public string RenderText(IExpressionScope scope) => Evaluator.Display(Render(scope));

    /// <summary>
    /// Renders SQL: every hole becomes <c>$n</c> and its value a parameter, so no value can change the
    /// statement. A hole inside single quotes takes the quotes with it: <c>'{{ x }}'</c> becomes <c>$1</c>.
    /// </summary>
    public (string Sql, IReadOnlyList<object?> Parameters) RenderSql(IExpressionScope scope)
    {
        var sql = new System.Text.StringBuilder();
        var parameters = new List<object?>();
        for (var i = 0; i < Parts.Count; i++)
        {
            if (Parts[i] is not Expr hole)
            {
                sql.Append((string)Parts[i]);
                continue;
            }
            parameters.Add(Evaluator.Evaluate(hole, scope));
            var quoted = sql.Length > 0 && sql[^1] == '\'' && i + 1 < Parts.Count && Parts[i + 1] is string next && next.StartsWith('\'');
            if (quoted) sql.Length--;
            sql.Append('$').Append(parameters.Count);
            if (quoted) { sql.Append(((string)Parts[i + 1])[1..]); i++; }
        }
        return (sql.ToString(), parameters);
    }

    private static Expr Shift(Expr expr, int by) => expr switch
    {
        LiteralExpr l => l with { Offset = l.Offset + by },
        PathExpr p => p with { Offset = p.Offset + by },
        NotExpr n => new NotExpr(Shift(n.Operand, by), n.Offset + by),
        BinaryExpr b => new BinaryExpr(b.Operator, Shift(b.Left, by), Shift(b.Right, by), b.Offset + by),
        ListExpr l => new ListExpr(l.Items.Select(i => Shift(i, by)).ToList(), l.Offset + by),
        _ => expr,
    };
}
