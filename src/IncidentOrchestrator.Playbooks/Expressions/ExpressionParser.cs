namespace IncidentOrchestrator.Playbooks.Expressions;

/// <summary>
/// Precedence, lowest first: <c>||</c>, <c>&amp;&amp;</c>, comparison (<c>== != &lt; &lt;= &gt; &gt;= in contains</c>,
/// not chained), unary <c>!</c>, then literals, paths, lists and parentheses.
/// </summary>
public static class ExpressionParser
{
    public const int MaxDepth = 32;

    public static Expr Parse(string text)
    {
        var parser = new State(Lexer.Tokenize(text));
        var expr = parser.Or(0);
        if (parser.Current.Kind != TokenKind.End)
            throw new ExpressionException($"unexpected '{parser.Current.Text}'", parser.Current.Offset);
        return expr;
    }

    private sealed class State(List<Token> tokens)
    {
        private int _index;

        public Token Current => tokens[_index];

        private Token Next() => tokens[_index++];

        private bool IsOperator(string op) => Current.Kind == TokenKind.Operator && Current.Text == op;

        private bool IsWord(string word) => Current.Kind == TokenKind.Identifier && Current.Text == word;

        public Expr Or(int depth)
        {
            Guard(depth);
            var left = And(depth + 1);
            while (IsOperator("||"))
            {
                var op = Next();
                left = new BinaryExpr("||", left, And(depth + 1), op.Offset);
            }
            return left;
        }

        private Expr And(int depth)
        {
            var left = Comparison(depth);
            while (IsOperator("&&"))
            {
                var op = Next();
                left = new BinaryExpr("&&", left, Comparison(depth), op.Offset);
            }
            return left;
        }

        private Expr Comparison(int depth)
        {
            var left = Unary(depth);
            string? op = Current.Kind == TokenKind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">="
                ? Current.Text
                : IsWord("in") || IsWord("contains") ? Current.Text : null;
            if (op is null) return left;

            var token = Next();
            var right = Unary(depth);
            if (Current.Kind == TokenKind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">=" || IsWord("in") || IsWord("contains"))
                throw new ExpressionException($"comparisons do not chain; use parentheses and && around '{Current.Text}'", Current.Offset);
            return new BinaryExpr(op, left, right, token.Offset);
        }

        private Expr Unary(int depth)
        {
            Guard(depth);
            if (IsOperator("!"))
            {
                var token = Next();
                return new NotExpr(Unary(depth + 1), token.Offset);
            }
            return Primary(depth);
        }

        private Expr Primary(int depth)
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.String:
                case TokenKind.Number:
                    return new LiteralExpr(token.Value, token.Offset);
                case TokenKind.LeftParen:
                {
                    var inner = Or(depth + 1);
                    Expect(TokenKind.RightParen, "')'");
                    return inner;
                }
                case TokenKind.LeftBracket:
                {
                    var items = new List<Expr>();
                    if (Current.Kind != TokenKind.RightBracket)
                    {
                        do items.Add(Or(depth + 1));
                        while (Current.Kind == TokenKind.Comma && Next().Kind == TokenKind.Comma);
                    }
                    Expect(TokenKind.RightBracket, "']'");
                    return new ListExpr(items, token.Offset);
                }
                case TokenKind.Identifier:
                    switch (token.Text)
                    {
                        case "true": return new LiteralExpr(true, token.Offset);
                        case "false": return new LiteralExpr(false, token.Offset);
                        case "null": return new LiteralExpr(null, token.Offset);
                        case "in" or "contains": throw new ExpressionException($"'{token.Text}' needs a value on its left", token.Offset);
                    }
                    var segments = new List<string> { token.Text };
                    while (Current.Kind == TokenKind.Dot)
                    {
                        Next();
                        var segment = Next();
                        if (segment.Kind != TokenKind.Identifier)
                            throw new ExpressionException("a path segment is expected after '.'", segment.Offset);
                        segments.Add(segment.Text);
                    }
                    return new PathExpr(segments, token.Offset);
                case TokenKind.End:
                    throw new ExpressionException("the expression ends too early", token.Offset);
                default:
                    throw new ExpressionException($"unexpected '{token.Text}'", token.Offset);
            }
        }

        private void Expect(TokenKind kind, string what)
        {
            if (Current.Kind != kind) throw new ExpressionException($"{what} expected", Current.Offset);
            Next();
        }

        private void Guard(int depth)
        {
            if (depth > MaxDepth) throw new ExpressionException($"the expression nests deeper than {MaxDepth} levels", Current.Offset);
        }
    }
}
