using System.CommandLine;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// <c>incident token create</c>: a development bearer token signed with the service's key (HS256), for a local
/// service, demos and scripts. In production the tokens come from the identity provider (<c>Auth__Authority</c>).
/// </summary>
public static class TokenCommands
{
    public static IEnumerable<Command> All(CliContext cli)
    {
        var subject = new Option<string>("--sub") { Description = "The subject (person or system) the token names", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the subject)" };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role to grant; repeat for several ({string.Join(", ", Roles.All)})", Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var hours = new Option<double>("--hours") { Description = "Lifetime in hours", DefaultValueFactory = _ => 12 };
        var key = new Option<string?>("--key") { Description = "The signing key (else --key-file, else INCIDENT_SIGNING_KEY, else Auth__SigningKey)" };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "A file holding the signing key (ops/run keeps one in .data/signing-key)" };
        var issuer = new Option<string?>("--issuer") { Description = "The issuer the service expects, if it checks one (else Auth__Issuer)" };
        var audience = new Option<string?>("--audience") { Description = "The audience the service expects, if it checks one (else Auth__Audience)" };
        var create = new Command("create", "Mint a development token with the service's signing key; it prints the token.\n" +
                                           "Example: export TOKEN=$(incident token create --sub rui --name \"Rui\" --role responder --key-file .data/signing-key)")
        {
            subject, name, roles, hours, key, keyFile, issuer, audience,
        };
        create.SetAction(cli.Run(async (r, ct) =>
        {
            if (r.GetValue(roles)!.Where(role => !Roles.IsKnown(role)).ToArray() is { Length: > 0 } unknown)
                throw new CliException(ExitCodes.Usage, $"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles.All)}.");
            var secret = r.GetValue(key)
                         ?? (r.GetValue(keyFile) is { } file ? (await File.ReadAllTextAsync(file.FullName, ct)).Trim() : null)
                         ?? Environment.GetEnvironmentVariable("INCIDENT_SIGNING_KEY") ?? Environment.GetEnvironmentVariable("Auth__SigningKey");
            if (DevelopmentTokens.KeyProblem(secret) is { } problem)
                throw new CliException(ExitCodes.Usage,
                    $"{problem} Give it with --key, --key-file, INCIDENT_SIGNING_KEY or Auth__SigningKey (the service's Auth__SigningKey).");
            var token = DevelopmentTokens.Issue(secret!, r.GetValue(issuer) ?? Environment.GetEnvironmentVariable("Auth__Issuer"),
                r.GetValue(audience) ?? Environment.GetEnvironmentVariable("Auth__Audience"), r.GetValue(subject)!, r.GetValue(name), r.GetValue(roles)!,
                TimeSpan.FromHours(r.GetValue(hours)), DateTimeOffset.UtcNow);
            cli.Console.Out.WriteLine(token);
            return ExitCodes.Ok;
        }));
        yield return new Command("token", "Development tokens") { create };
    }
}
