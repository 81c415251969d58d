namespace IncidentOrchestrator.Contracts;

/// <param name="Allowed">The catalogue lets this role hold access without asking (its standing roles), or an approved request granted it
/// until its end; a grant with neither is drift.</param>
/// <param name="Request">The access request whose grant this is, while it stands.</param>
/// <param name="Until">When that grant ends.</param>
public sealed record DatasetGrantView(string Grantee, IReadOnlyList<string> Privileges, bool Allowed, Guid? Request = null, DateTimeOffset? Until = null);

/// <summary>Who holds which privileges on a dataset now, as <c>GET /api/datasets/{name}/grants</c> read them from its database.</summary>
/// <param name="Scanned">Whether the drift scanner checks this dataset, and so reports a grant it does not allow as an incident.</param>
/// <param name="Unchecked">Why the grants could not be read (a schema-level dataset, a connection not configured here, a database that did not answer), or null.</param>
public sealed record DatasetGrants(string Name, string Connection, string Object, DateTimeOffset ReadAt, bool Scanned,
    IReadOnlyList<DatasetGrantView> Grants, string? Unchecked);
