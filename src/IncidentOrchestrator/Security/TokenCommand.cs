using System.CommandLine;

namespace IncidentOrchestrator.Security;

/// <summary><c>IncidentOrchestrator token --sub alice --role commander</c>: prints a development token.</summary>
public static class TokenCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        var subject = new Option<string>("--sub") { Description = "The subject (person or system) the token names", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the subject)" };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role to grant; repeat for several ({string.Join(", ", Roles.All)})",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var hours = new Option<double>("--hours") { Description = "Lifetime in hours", DefaultValueFactory = _ => 12 };
        var key = new Option<string?>("--key") { Description = "Signing key (default: Auth__SigningKey from the environment)" };

        var command = new RootCommand("Mint a development bearer token for the IncidentOrchestrator API")
        {
            subject, name, roles, hours, key,
        };
        command.SetAction(result =>
        {
            var unknown = result.GetValue(roles)!.Where(r => !Roles.All.Contains(r)).ToArray();
            if (unknown.Length > 0)
            {
                Console.Error.WriteLine($"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles.All)}.");
                return 2;
            }

            var auth = new AuthOptions
            {
                SigningKey = result.GetValue(key) ?? Environment.GetEnvironmentVariable("Auth__SigningKey"),
                Issuer = Environment.GetEnvironmentVariable("Auth__Issuer"),
                Audience = Environment.GetEnvironmentVariable("Auth__Audience"),
            };
            try
            {
                Console.WriteLine(new TokenIssuer(auth).Issue(result.GetValue(subject)!, result.GetValue(name),
                    result.GetValue(roles)!, TimeSpan.FromHours(result.GetValue(hours))));
                return 0;
            }
            catch (InvalidOperationException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command.Parse(args).InvokeAsync();
    }
}
