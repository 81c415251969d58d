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

/// <summary>One way a role could read a dataset at an instant.</summary>
/// <param name="Kind">standing (the catalogue let it read without asking), requested (an approved access request's grant), break-glass (an
/// emergency grant, approved by nobody first), or drift (a grant the scanner detected that nobody approved, not yet contained).</param>
/// <param name="From">Since when: the file version's first load, the grant, or the drift's first observation.</param>
/// <param name="Until">Until when, if known: the grant's end or when it ended, or the drift's containment.</param>
/// <param name="Source">The access request, or the drift's incident (for those who may see it).</param>
/// <param name="ApprovedBy">Who approved a requested grant.</param>
/// <param name="DatasetHash">The version of the dataset's file it was allowed or approved under.</param>
public sealed record DatasetAccessEntry(string Kind, string Grantee, DateTimeOffset From, DateTimeOffset? Until, Guid? Source, string? Purpose,
    IReadOnlyList<string> ApprovedBy, string? DatasetHash);

/// <summary>Who could read a dataset at <paramref name="At"/>, as <c>GET /api/datasets/{name}/access?at=</c> answers it.</summary>
/// <param name="DatasetHash">The version of its file in force then (first loaded last before it), or null before the first.</param>
public sealed record DatasetAccessAt(string Name, DateTimeOffset At, string? DatasetHash, IReadOnlyList<DatasetAccessEntry> Entries);
