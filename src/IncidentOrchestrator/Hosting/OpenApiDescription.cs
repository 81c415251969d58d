using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

namespace IncidentOrchestrator.Hosting;

/// <summary>
/// The API's description at <c>/openapi/v1.json</c>, as a generated client needs it: the bearer (JWT) scheme on every
/// operation that needs it (and none on those that do not), the problem-details answers each operation can give,
/// and the tags that group them. The web console's routes are for people and are left out.
/// </summary>
public static class OpenApiDescription
{
    private const string Bearer = "bearer";
    private const string Problem = "Problem";

    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Signals"] = "Detection: signals open incidents or join the open incident with the same fingerprint.",
        ["Incidents"] = "Incidents: declared by commanders or opened by signals; their timeline, commander, participants and status.",
        ["Runs"] = "Playbook runs on an incident: start, read, cancel; retry or skip an escalated step.",
        ["Tasks"] = "Work a person does for a run's task step.",
        ["Approvals"] = "Decisions a quorum of people gives on a run's approval step.",
        ["Playbooks"] = "The playbook catalogue: read, validate, dry-run, reload.",
        ["Reports"] = "The post-incident report, the export, metrics, the read audit and the hash chain.",
        ["Programmes"] = "Programmes that containment can suspend.",
        ["Datasets"] = "The dataset catalogue: each sensitive dataset, who answers for it, what it may be used for, and how access to it is approved.",
    };

    private static readonly (string Status, string Description)[] Answers =
    [
        ("400", "The request is not valid: problem details with an error per field."),
        ("401", "No valid bearer token."),
        ("403", "The token's roles may not do this."),
        ("404", "Not found, or a restricted incident the caller may not see (the same answer)."),
        ("409", "The request conflicts with the current state."),
        ("413", "The body is larger than the configured limit."),
        ("415", "The body's media type is not the one this operation takes."),
        ("422", "The body was read but its content is invalid (for example a playbook with errors)."),
        ("429", "Too many requests from this caller; retry after the Retry-After header's seconds."),
    ];

    public static IServiceCollection AddIncidentOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, context, ct) =>
        {
            document.Info.Title = "IncidentOrchestrator API";
            document.Info.Description = "Incident response and containment: signals, incidents, playbook runs, people in the loop, reports. " +
                                        "Every /api request carries Authorization: Bearer <JWT>; errors are RFC 9457 problem details.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "An HS256 token signed with the service's key (or an OpenID Connect provider's): sub, name, exp, role claims.",
            };
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            document.Components.Schemas[Problem] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "RFC 9457 problem details.",
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null },
                    ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                    ["errors"] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Object | JsonSchemaType.Null,
                        AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                    },
                },
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] }];
            document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
            foreach (var server in document.Servers ?? []) server.Url = server.Url?.TrimEnd('/');
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, ct) =>
        {
            var endpoint = context.Description;
            var route = "/" + (endpoint.RelativePath ?? "").Split('?')[0];
            var method = endpoint.HttpMethod ?? "GET";
            var anonymous = endpoint.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any();
            if (anonymous) operation.Security = []; // health: no token
            // Slack's buttons carry Slack's signature instead of a token: refused (401, 403) and limited (429) all the same.
            var signedBySlack = route.StartsWith("/api/integrations/slack/", StringComparison.Ordinal);
            // A tracker's webhook carries its signature instead of a token.
            var signedByTracker = route.StartsWith("/api/trackers/", StringComparison.Ordinal);

            var tag = TagOf(route);
            if (tag is not null) operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };
            OpenApiOperations.Describe(operation, method, route);
            operation.Summary ??= $"{method} {route}";

            operation.Responses ??= new OpenApiResponses();
            var hasBody = method is "POST" or "PUT" or "PATCH";
            foreach (var (status, description) in Answers)
            {
                var applies = status switch
                {
                    "401" or "403" or "429" => !anonymous || signedBySlack || signedByTracker,
                    "400" => hasBody || endpoint.ParameterDescriptions.Any(p => p.Source.Id == "Query"),
                    "404" => route.Contains('{'),
                    "409" => hasBody,
                    "413" or "415" => hasBody,
                    "422" => route.EndsWith("/validate", StringComparison.Ordinal) || route.EndsWith("/reload", StringComparison.Ordinal),
                    _ => false,
                };
                if (!applies || operation.Responses.ContainsKey(status)) continue;
                operation.Responses[status] = new OpenApiResponse
                {
                    Description = signedByTracker && status == "401"
                        ? "The tracker's signature (GitHub: X-Hub-Signature-256; Jira: X-Hub-Signature) is missing or wrong."
                        : !signedBySlack ? description : status switch
                    {
                        "401" => "The Slack signature is missing or wrong, the request is more than five minutes old, or it was already played.",
                        "403" => "The Slack user is not mapped to anyone here, or the API's rules refuse them (not their task, separation of duties).",
                        _ => description,
                    },
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(Problem, context.Document) },
                    },
                };
            }
            return Task.CompletedTask;
        });
    });

    private static string? TagOf(string route) => route switch
    {
        _ when route.StartsWith("/api/signals", StringComparison.Ordinal) => "Signals",
        _ when route.StartsWith("/api/followups", StringComparison.Ordinal) || route.StartsWith("/api/trackers", StringComparison.Ordinal)
               || route.EndsWith("/followups", StringComparison.Ordinal) || route.EndsWith("/review", StringComparison.Ordinal)
               || route.EndsWith("/review/decisions", StringComparison.Ordinal) => "Reviews and follow-ups",
        _ when route.Contains("/runs", StringComparison.Ordinal) => "Runs",
        _ when route.StartsWith("/api/tasks", StringComparison.Ordinal) => "Tasks",
        _ when route.StartsWith("/api/approvals", StringComparison.Ordinal) => "Approvals",
        _ when route.StartsWith("/api/playbooks", StringComparison.Ordinal) => "Playbooks",
        _ when route.StartsWith("/api/programmes", StringComparison.Ordinal) => "Programmes",
        _ when route.StartsWith("/api/datasets", StringComparison.Ordinal) || route.StartsWith("/api/catalogue", StringComparison.Ordinal) => "Datasets",
        _ when route.StartsWith("/api/metrics", StringComparison.Ordinal) || route.EndsWith("/report", StringComparison.Ordinal)
               || route.EndsWith("/export", StringComparison.Ordinal) || route.EndsWith("/verify", StringComparison.Ordinal)
               || route.EndsWith("/access-log", StringComparison.Ordinal) => "Reports",
        _ when route.StartsWith("/api/incidents", StringComparison.Ordinal) => "Incidents",
        _ => null,
    };
}
