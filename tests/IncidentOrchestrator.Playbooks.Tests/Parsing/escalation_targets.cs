using IncidentOrchestrator.Playbooks.Model;
using IncidentOrchestrator.Playbooks.Tests.Support;

namespace IncidentOrchestrator.Playbooks.Tests.Parsing;

public sealed class escalation_targets
{
    private static string Task(string escalateTo, string assignee = "oncall:security") => $"""
        apiVersion: incidents/v1
        kind: Playbook
        name: escalating
        title: Escalating
        steps:
          - id: look
            task:
              assignee: {assignee}
              title: Look
              ackWithin: 15m
              escalateTo: {escalateTo}
        """;

    [Theory]
    [InlineData("role:commander")]
    [InlineData("oncall:security-secondary")]
    [InlineData("user:cora.commander")]
    [InlineData("policy:security")]
    public void a_task_escalates_to_a_principal_or_to_a_configured_policy(string target)
    {
        var task = Assert.IsType<HumanTask>(Load.Valid(Task(target)).Step("look")!.Kind);
        Assert.Equal(target, task.EscalateTo);
    }

    [Theory]
    [InlineData("policy:Security_Team", "escalateTo")]
    [InlineData("boss", "escalateTo")]
    public void anything_else_is_refused_where_it_is_written(string target, string key)
    {
        var error = Assert.Single(Load.Errors(Task(target)));
        Assert.Equal(ErrorCodes.BadPrincipal, error.Code);
        Assert.Equal(11, error.Line);
        Assert.Contains("policy:<escalation policy>", error.Message);
        Assert.Contains(key, Task(target).Split('\n')[error.Line - 1]);
    }

    [Fact]
    public void a_policy_is_not_someone_a_task_can_be_assigned_to()
    {
        var error = Assert.Single(Load.Errors(Task("role:commander", assignee: "policy:security")));
        Assert.Equal(8, error.Line);
    }
}
