using System.Globalization;

namespace IncidentOrchestrator.Playbooks.Expressions;

internal enum TokenKind { Identifier, String, Number, Operator, LeftParen, RightParen, LeftBracket, RightBracket, Comma, Dot, End }

internal readonly record struct Token(TokenKind Kind, string Text, int Offset, object? Value = null);

internal static class Lexer
{
    public const int MaxLength = 4096;

    public static List<Token> Tokenize(string text)
    {
        if (text.Length > MaxLength) throw new ExpressionException($"an expression has at most {MaxLength} characters", 0);
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            var start = i;
            switch (c)
            {
                case '(': tokens.Add(new(TokenKind.LeftParen, "(", i++)); continue;
                case ')': tokens.Add(new(TokenKind.RightParen, ")", i++)); continue;
                case '[': tokens.Add(new(TokenKind.LeftBracket, "[", i++)); continue;
                case ']': tokens.Add(new(TokenKind.RightBracket, "]", i++)); continue;
                case ',': tokens.Add(new(TokenKind.Comma, ",", i++)); continue;
                case '.': tokens.Add(new(TokenKind.Dot, ".", i++)); continue;
                case '\'': tokens.Add(ReadString(text, ref i)); continue;
            }

            if (TryOperator(text, i) is { } op)
            {
                tokens.Add(new(TokenKind.Operator, op, i));
                i += op.Length;
            }
            else if (char.IsAsciiDigit(c) || (c == '-' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                i++;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))) i++;
                var literal = text[start..i];
                tokens.Add(new(TokenKind.Number, literal, start, decimal.Parse(literal, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture)));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                i++;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '-')) i++;
                tokens.Add(new(TokenKind.Identifier, text[start..i], start));
            }
            else
            {
                throw new ExpressionException($"unexpected character '{c}'", i);
            }
        }
        tokens.Add(new(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static readonly string[] Operators = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!"];

    private static string? TryOperator(string text, int i) =>
        Operators.FirstOrDefault(op => string.CompareOrdinal(text, i, op, 0, op.Length) == 0);

    private static Token ReadString(string text, ref int i)
    {
        var start = i++;
        var value = new System.Text.StringBuilder();
        while (i < text.Length)
        {
            if (text[i] == '\'')
            {
                if (i + 1 < text.Length && text[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                i++;
                return new Token(TokenKind.String, text[start..i], start, value.ToString());
            }
            value.Append(text[i++]);
        }
        throw new ExpressionException("unterminated string (strings are in single quotes; write '' for a quote)", start);
    }
}
