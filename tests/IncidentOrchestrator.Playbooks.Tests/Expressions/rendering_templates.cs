using IncidentOrchestrator.Playbooks.Expressions;

namespace IncidentOrchestrator.Playbooks.Tests.Expressions;

public sealed class rendering_templates
{
    [Fact]
    public void holes_are_filled_in_text()
    {
        var template = Template.Parse("Revoke {{ signal.attributes.grantee }} on {{inputs.dataset}} ({{ inputs.rows }} rows)");
        Assert.Equal("Revoke all_engineers on hr.employee_activity (12000 rows)", template.Render(Scopes.Sample()));
    }

    [Fact]
    public void a_template_that_is_one_hole_keeps_the_type_of_its_value()
    {
        Assert.Equal(12000m, Template.Parse("{{ inputs.rows }}").Render(Scopes.Sample()));
        Assert.Equal(false, Template.Parse("{{ inputs.dryRun }}").Render(Scopes.Sample()));
        Assert.Null(Template.Parse("{{ inputs.programme }}").Render(Scopes.Sample()));
        Assert.Equal("12000", Template.Parse(" {{ inputs.rows }}").RenderText(Scopes.Sample()).Trim());
    }

    [Fact]
    public void null_renders_as_empty_text_and_lists_as_comma_separated()
    {
        Assert.Equal("programme: ", Template.Parse("programme: {{ inputs.programme }}").Render(Scopes.Sample()));
        Assert.Equal("readers: ann, bob", Template.Parse("readers: {{ steps.scope-exposure.outputs.readers }}").Render(Scopes.Sample()));
    }

    [Fact]
    public void text_without_holes_is_itself()
    {
        var template = Template.Parse("select * from audit.access_log where x = '{' ");
        Assert.False(template.HasExpressions);
        Assert.Equal("select * from audit.access_log where x = '{' ", template.Render(Scopes.Sample()));
    }

    [Theory]
    [InlineData("Revoke {{ inputs.x", "'{{' without a closing '}}'", 7)]
    [InlineData("Revoke }} now", "'}}' without a matching '{{'", 7)]
    [InlineData("{{ }}", "empty '{{ }}'", 0)]
    [InlineData("a {{ inputs.x == }} b", "the expression ends too early", 17)]
    public void a_broken_template_says_where(string source, string message, int offset)
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse(source));
        Assert.Equal(message, error.Message);
        Assert.Equal(offset, error.Offset);
    }
}

public sealed class rendering_sql_templates
{
    [Fact]
    public void holes_become_bind_parameters_and_quoted_holes_lose_their_quotes()
    {
        var (sql, parameters) = Template.Parse("select * from audit.access_log where object_name = '{{ inputs.dataset }}' and minutes > {{ inputs.rows }}")
            .RenderSql(Scopes.Sample());

        Assert.Equal("select * from audit.access_log where object_name = $1 and minutes > $2", sql);
        Assert.Equal(["hr.employee_activity", 12000m], parameters);
    }

    [Fact]
    public void a_hostile_value_stays_a_value()
    {
        var scope = new ValueScope { Inputs = new Dictionary<string, object?> { ["dataset"] = "x'; drop table hr.payroll; --" } };

        var (sql, parameters) = Template.Parse("select 1 where name = '{{ inputs.dataset }}'").RenderSql(scope);

        Assert.Equal("select 1 where name = $1", sql);
        Assert.Equal(["x'; drop table hr.payroll; --"], parameters);
    }

    [Fact]
    public void text_without_holes_is_unchanged()
    {
        var (sql, parameters) = Template.Parse("select 'a' from t").RenderSql(Scopes.Sample());
        Assert.Equal("select 'a' from t", sql);
        Assert.Empty(parameters);
    }
}
