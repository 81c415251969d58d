using IncidentOrchestrator.Integrations;
using IncidentOrchestrator.Security;

namespace IncidentOrchestrator.Tests.Integrations;

/// <summary>A Slack user who could never press a button stops the service at start, naming the setting, rather than being refused at each press.</summary>
public sealed class slack_users_are_checked_at_start
{
    [Fact]
    public void an_unknown_role_an_unmapped_group_or_neither_is_named_and_a_usable_map_passes()
    {
        var oidc = new OidcOptions { GroupRoles = { ["ir-responders"] = Roles.Responder } };
        var slack = new SlackOptions
        {
            Users =
            {
                ["U0OK"] = new SlackUser { Subject = "rui", Roles = [Roles.Responder] },
                ["U0GROUP"] = new SlackUser { Subject = "rui", Groups = ["ir-responders"] },
                ["U0ROLE"] = new SlackUser { Subject = "x", Roles = ["overlord"] },
                ["U0LOST"] = new SlackUser { Subject = "y", Groups = ["nobody-maps-this"] },
                ["U0NONE"] = new SlackUser { Subject = "z" },
            },
        };

        var problems = Configuration.SlackUserProblems(slack, oidc);

        Assert.Collection(problems.Order(),
            p => Assert.StartsWith("Integrations__Slack__Users__U0LOST__Groups: no Auth__Oidc__GroupRoles__nobody-maps-this", p),
            p => Assert.StartsWith("Integrations__Slack__Users__U0NONE: give it __Roles__0 or __Groups__0", p),
            p => Assert.StartsWith("Integrations__Slack__Users__U0ROLE__Roles: 'overlord' is not a role", p));
        Assert.Empty(Configuration.SlackUserProblems(new SlackOptions { Users = { ["U0OK"] = slack.Users["U0OK"], ["U0GROUP"] = slack.Users["U0GROUP"] } }, oidc));
    }
}
