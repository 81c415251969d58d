using IncidentOrchestrator.Playbooks.Expressions;

namespace IncidentOrchestrator.Playbooks.Tests.Expressions;

public sealed class evaluating_expressions
{
    public static TheoryData<string, object?> Reference => new()
    {
        // literals and paths
        { "true", true }, { "false", false }, { "null", null }, { "'it''s'", "it's" }, { "42", 42m }, { "-1.5", -1.5m },
        { "inputs.dataset", "hr.employee_activity" }, { "inputs.programme", null }, { "inputs.rows", 12000m },
        { "signal.attributes.grantee", "all_engineers" }, { "signal.attributes.missing", null },
        { "steps.approve-resume.outcome", "approved" }, { "steps.scope-exposure.outputs.count", 2m },
        { "steps.never-ran.outcome", null },
        // equality and null
        { "inputs.programme == null", true }, { "inputs.programme != null", false }, { "null == null", true },
        { "inputs.dataset == 'hr.employee_activity'", true }, { "inputs.rows == 12000", true }, { "inputs.rows == '12000'", false },
        { "inputs.dryRun == false", true }, { "[1, 'a'] == [1, 'a']", true }, { "[1] == [1, 2]", false },
        // ordering: numbers, severities, text, null
        { "inputs.rows >= 10000", true }, { "inputs.rows < 10000", false }, { "2 <= 2", true },
        { "signal.severity >= 'high'", true }, { "incident.severity > 'critical'", false }, { "'low' < 'medium'", true },
        { "'medium' < 'high'", true }, { "'high' < 'critical'", true }, { "'critical' > 'low'", true },
        { "'apple' < 'banana'", true }, { "inputs.programme < 5", false }, { "inputs.programme >= 'high'", false },
        // logic and precedence
        { "true || false && false", true }, { "(true || false) && false", false }, { "!false && true", true },
        { "!(true && false)", true }, { "!inputs.programme", true }, { "inputs.programme && true", false },
        { "inputs.programme || true", true }, { "!!true", true },
        // in and contains
        { "'contractors' in inputs.roles", true }, { "'interns' in inputs.roles", false }, { "inputs.roles contains 'all_engineers'", true },
        { "'ann' in steps.scope-exposure.outputs.readers", true }, { "signal.type contains 'acl'", true },
        { "'x' in inputs.programme", false }, { "2 in [1, 2, 3]", true }, { "signal.attributes.grantee in ['all_engineers']", true },
        // the spec's own examples
        { "steps.approve-resume.outcome == 'approved' && inputs.programme != null", false },
        { "signal.severity >= 'high' && incident.restricted", true },
    };

    [Theory, MemberData(nameof(Reference))]
    public void each_expression_of_the_reference_table_has_its_value(string expression, object? expected)
    {
        Assert.Equal(expected, Scopes.Eval(expression));
    }

    [Fact]
    public void severities_order_low_medium_high_critical_for_every_pair()
    {
        var ordered = new[] { "low", "medium", "high", "critical" };
        for (var i = 0; i < 4; i++)
        for (var j = 0; j < 4; j++)
        {
            Assert.Equal(i < j, Scopes.Eval($"'{ordered[i]}' < '{ordered[j]}'"));
            Assert.Equal(i >= j, Scopes.Eval($"'{ordered[i]}' >= '{ordered[j]}'"));
            Assert.Equal(i == j, Scopes.Eval($"'{ordered[i]}' == '{ordered[j]}'"));
        }
    }

    [Theory]
    [InlineData("inputs.dataset && true", "expected true or false, got 'hr.employee_activity'", 15)]
    [InlineData("inputs.rows < 'many'", "cannot order 12000 and 'many'", 12)]
    [InlineData("'x' in inputs.rows", "'in' and 'contains' need a list (or text), got 12000", 4)]
    [InlineData("!inputs.rows", "expected true or false, got 12000", 0)]
    public void a_type_mistake_is_an_error_with_its_position(string expression, string message, int offset)
    {
        var error = Assert.Throws<ExpressionException>(() => Scopes.Eval(expression));
        Assert.Equal(message, error.Message);
        Assert.Equal(offset, error.Offset);
    }

    [Theory]
    [InlineData("inputs.x ==", "the expression ends too early", 11)]
    [InlineData("inputs.x == 'abc", "unterminated string (strings are in single quotes; write '' for a quote)", 12)]
    [InlineData("1 < 2 < 3", "comparisons do not chain; use parentheses and && around '<'", 6)]
    [InlineData("(true", "')' expected", 5)]
    [InlineData("inputs.", "a path segment is expected after '.'", 7)]
    [InlineData("a = b", "unexpected character '='", 2)]
    [InlineData("true false", "unexpected 'false'", 5)]
    [InlineData("in [1]", "'in' needs a value on its left", 0)]
    [InlineData("System.IO.File.Delete('x')", "unexpected '('", 21)]
    public void a_syntax_error_names_what_is_wrong_and_where(string expression, string message, int offset)
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(expression));
        Assert.Equal(message, error.Message);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void nesting_beyond_the_bound_is_refused_not_overflowed()
    {
        var deep = new string('(', 5000) + "true" + new string(')', 5000);
        Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(deep));
        Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(string.Concat(Enumerable.Repeat("!", 5000)) + "true"));
        Assert.Throws<ExpressionException>(() => ExpressionParser.Parse(new string('x', 5000)));
    }
}
