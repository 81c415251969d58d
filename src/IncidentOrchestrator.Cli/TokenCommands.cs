using System.CommandLine;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// <c>incident token create</c>: a development bearer token signed with the service's key (HS256), for a local
/// service, demos and scripts. In production the tokens come from the identity provider (<c>Auth__Authority</c>).
/// </summary>
public static class TokenCommands
{
    /// <summary>The roles the service knows (a test keeps this list and the service's the same).</summary>
    public static readonly string[] Roles = ["commander", "responder", "leadership", "privacy", "admin", "ingest"];

    public const int MinimumKeyBytes = 32;

    public static IEnumerable<Command> All(CliContext cli)
    {
        var subject = new Option<string>("--sub") { Description = "The subject (person or system) the token names", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name (default: the subject)" };
        var roles = new Option<string[]>("--role")
        {
            Description = $"A role to grant; repeat for several ({string.Join(", ", Roles)})", Required = true, AllowMultipleArgumentsPerToken = true,
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
            var unknown = r.GetValue(roles)!.Where(role => !Roles.Contains(role)).ToArray();
            if (unknown.Length > 0)
                throw new CliException(ExitCodes.Usage, $"Unknown role(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Roles)}.");
            var secret = r.GetValue(key)
                         ?? (r.GetValue(keyFile) is { } file ? (await File.ReadAllTextAsync(file.FullName, ct)).Trim() : null)
                         ?? Environment.GetEnvironmentVariable("INCIDENT_SIGNING_KEY") ?? Environment.GetEnvironmentVariable("Auth__SigningKey");
            if (Encoding.UTF8.GetByteCount(secret ?? "") < MinimumKeyBytes)
                throw new CliException(ExitCodes.Usage,
                    $"A signing key of at least {MinimumKeyBytes} bytes is needed: --key, --key-file, INCIDENT_SIGNING_KEY or Auth__SigningKey (the service's Auth__SigningKey).");
            var token = Issue(secret!, r.GetValue(issuer) ?? Environment.GetEnvironmentVariable("Auth__Issuer"),
                r.GetValue(audience) ?? Environment.GetEnvironmentVariable("Auth__Audience"), r.GetValue(subject)!, r.GetValue(name), r.GetValue(roles)!,
                TimeSpan.FromHours(r.GetValue(hours)));
            cli.Console.Out.WriteLine(token);
            return ExitCodes.Ok;
        }));
        yield return new Command("token", "Development tokens") { create };
    }

    public static string Issue(string key, string? issuer, string? audience, string subject, string? name, IEnumerable<string> roles, TimeSpan lifetime)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", subject), new("name", name ?? subject) };
        claims.AddRange(roles.Select(role => new Claim("role", role)));
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Issuer = string.IsNullOrWhiteSpace(issuer) ? null : issuer,
            Audience = string.IsNullOrWhiteSpace(audience) ? null : audience,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }
}
