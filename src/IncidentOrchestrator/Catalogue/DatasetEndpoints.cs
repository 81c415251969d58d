using System.Security.Claims;
using IncidentOrchestrator.Actions.Postgres;
using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using IncidentOrchestrator.Playbooks.Catalogue;
using IncidentOrchestrator.Playbooks.Model;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Wolverine.Http;

namespace IncidentOrchestrator.Catalogue;

public sealed record DatasetSummary(string Name, string Title, string Classification, string Connection, string Object, string Owner,
    IReadOnlyList<string> Purposes, string Hash);

public sealed record DatasetApproversView(IReadOnlyList<string> From, int Quorum);

/// <param name="MaxGrant">The longest a requested grant may last, as a duration (14d).</param>
/// <param name="BreakGlassFor">How long an emergency grant lasts, or null when break-glass is not allowed.</param>
public sealed record DatasetDefinition(string Name, string Title, string Connection, string Object, string Classification,
    IReadOnlyList<string> Subjects, string Owner, IReadOnlyList<string> Stewards, IReadOnlyList<string> Purposes, IReadOnlyList<string> Standing,
    string MaxGrant, DatasetApproversView Approvers, string? BreakGlassFor, string Review, string File, string Hash, string CatalogueHash, string Text);

public sealed record DatasetVersionView(string Hash, bool Loaded, DateTimeOffset? FirstLoadedAt);

public sealed record DatasetVersionText(string Name, string Hash, bool Loaded, string Text);

/// <param name="Datasets">Each dataset it held, with the hash of its file then.</param>
public sealed record CatalogueVersionView(string Hash, bool Loaded, DateTimeOffset? FirstLoadedAt, IReadOnlyDictionary<string, string> Datasets);

public sealed record DatasetDiff(string Name, string From, string To, int Added, int Removed, IReadOnlyList<DiffLine> Lines);

/// <summary>The dataset catalogue as the API shows it: the datasets, each one's declaration, and every version the service has used.</summary>
public static class DatasetEndpoints
{
    [WolverineGet("/api/datasets"), Authorize(Roles = Roles.Readers)]
    public static IReadOnlyList<DatasetSummary> List(CatalogueFolder folder) =>
        folder.Catalogue.Datasets.Values.OrderBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new DatasetSummary(d.Name, d.Title, d.Classification, d.Connection, d.Object, d.Owner, d.Purposes, d.Hash)).ToList();

    [WolverineGet("/api/datasets/{name}"), Authorize(Roles = Roles.Readers)]
    public static Results<Ok<DatasetDefinition>, ProblemHttpResult> Get(string name, CatalogueFolder folder) =>
        Find(name, folder) is var found && found.Value is { } dataset ? TypedResults.Ok(dataset) : found.Refused!.ToProblemResult();

    /// <summary>A name the catalogue does not hold (the catalogue is not need-to-know: it says so plainly).</summary>
    public static Refusal NoSuchDataset(string name) => new(RefusalKind.NotFound, "Dataset not found", $"No dataset named '{name}' is in the catalogue.");

    /// <summary>A dataset's declaration in the loaded catalogue, for any door.</summary>
    public static Outcome<DatasetDefinition> Find(string name, CatalogueFolder folder) =>
        folder.Catalogue.Find(name) is { } d ? Definition(d, folder.Catalogue.Hash) : NoSuchDataset(name);

    private static DatasetDefinition Definition(Dataset d, string catalogueHash) => new(d.Name, d.Title, d.Connection, d.Object, d.Classification,
        d.Subjects, d.Owner, d.Stewards, d.Purposes, d.Standing, Durations.Format(d.MaxGrant), new DatasetApproversView(d.Approvers.From, d.Approvers.Quorum),
        d.BreakGlassFor is { } b ? Durations.Format(b) : null, Durations.Format(d.ReviewEvery), d.File, d.Hash, catalogueHash, d.Text);

    /// <summary>Every version of the catalogue as a whole the service has used, newest first: what a decision under a <c>catalogueHash</c> saw.</summary>
    [WolverineGet("/api/catalogue/versions"), Authorize(Roles = Roles.Readers)]
    public static async Task<IReadOnlyList<CatalogueVersionView>> CatalogueVersions(CatalogueFolder folder, IQuerySession session, CancellationToken ct)
    {
        var current = folder.Catalogue;
        var kept = await session.Query<CatalogueVersion>().OrderByDescending(v => v.FirstLoadedAt).Take(1000).ToListAsync(ct);
        var versions = kept.Select(v => new CatalogueVersionView(v.Id, v.Id == current.Hash, v.FirstLoadedAt, v.Datasets)).ToList();
        if (current.Count > 0 && kept.All(v => v.Id != current.Hash))
            versions.Insert(0, new CatalogueVersionView(current.Hash, true, null, current.Datasets.Values.ToDictionary(d => d.Name, d => d.Hash)));
        return versions;
    }

    [WolverineGet("/api/datasets/{name}/versions"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Versions(string name, CatalogueFolder folder, IQuerySession session, CancellationToken ct) =>
        (await VersionsAsync(name, folder, session, ct)).ToHttp(TypedResults.Ok);

    /// <summary>Every version of a dataset's file the service has loaded (newest first), the loaded one marked.</summary>
    public static async Task<Outcome<IReadOnlyList<DatasetVersionView>>> VersionsAsync(string name, CatalogueFolder folder, IQuerySession session,
        CancellationToken ct)
    {
        var loaded = folder.Catalogue.Find(name);
        var kept = await session.Query<DatasetVersion>().Where(v => v.Name == name)
            .Select(v => new DatasetVersionView(v.Id, false, v.FirstLoadedAt)).ToListAsync(ct); // not their texts
        if (loaded is null && kept.Count == 0) return NoSuchDataset(name);
        var versions = kept.Select(v => v with { Loaded = v.Hash == loaded?.Hash });
        if (loaded is not null && kept.All(v => v.Hash != loaded.Hash)) versions = versions.Append(new DatasetVersionView(loaded.Hash, true, null));
        return Outcome<IReadOnlyList<DatasetVersionView>>.Done(versions.OrderByDescending(v => v.FirstLoadedAt ?? DateTimeOffset.MaxValue).ToList());
    }

    /// <summary><c>GET /api/datasets/{name}/grants</c>: who holds which privileges on the table now (<see cref="DatasetGrantsRead"/>).</summary>
    [WolverineGet("/api/datasets/{name}/grants"), Authorize(Roles = Roles.Readers)]
    public static async Task<Results<Ok<DatasetGrants>, ProblemHttpResult>> Grants(string name, DatasetGrantsRead grants, ClaimsPrincipal user,
        CancellationToken ct) =>
        await grants.ReadAsync(name, user.Caller(), ct) is var read && read.Value is { } found ? TypedResults.Ok(found) : read.Refused!.ToProblemResult();

    /// <summary><c>GET /api/datasets/{name}/access?at=</c>: who could read it at an instant (<see cref="WhoCouldRead"/>).</summary>
    [WolverineGet("/api/datasets/{name}/access"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Access(string name, string? at, WhoCouldRead who, IQuerySession session, ClaimsPrincipal user, CancellationToken ct) =>
        (await who.ReadAsync(name, at, user.Caller(), session, ct)).ToHttp(TypedResults.Ok);

    [WolverineGet("/api/datasets/{name}/versions/{hash}"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Version(string name, string hash, CatalogueFolder folder, IQuerySession session, CancellationToken ct) =>
        await TextAsync(name, hash, folder, session, ct) is { } text ? TypedResults.Ok(text) : NoSuchVersion(name, hash).ToProblemResult();

    /// <summary>A version of a dataset's file the service never loaded (the catalogue is not need-to-know: it says so plainly).</summary>
    private static Refusal NoSuchVersion(string name, string hash) =>
        new(RefusalKind.NotFound, "Dataset version not found", $"The service never loaded a version '{hash}' of dataset '{name}'.");

    [WolverineGet("/api/datasets/{name}/diff"), Authorize(Roles = Roles.Readers)]
    public static async Task<IResult> Diff(string name, string? from, string? to, CatalogueFolder folder, IQuerySession session, CancellationToken ct)
    {
        var validation = new Problems.Validation().Require(!string.IsNullOrEmpty(from), "from", "The hash of the older version.");
        if (validation.HasErrors) return TypedResults.Problem(validation.ToProblem("Which versions?"));
        to ??= folder.Catalogue.Find(name)?.Hash;
        var older = await TextAsync(name, from!, folder, session, ct);
        var newer = to is null ? null : await TextAsync(name, to, folder, session, ct);
        if (older is null) return NoSuchVersion(name, from!).ToProblemResult();
        if (newer is null) return NoSuchVersion(name, to ?? "(none is loaded)").ToProblemResult();
        var changes = TextDiff.Compare(older.Text, newer.Text);
        return TypedResults.Ok(new DatasetDiff(name, older.Hash, newer.Hash, changes.Added, changes.Removed, changes.Lines));
    }

    private static async Task<DatasetVersionText?> TextAsync(string name, string hash, CatalogueFolder folder, IQuerySession session, CancellationToken ct)
    {
        if (folder.Catalogue.Find(name) is { } loaded && loaded.Hash == hash) return new DatasetVersionText(name, hash, true, loaded.Text);
        return await session.LoadAsync<DatasetVersion>(hash, ct) is { } kept && kept.Name == name ? new DatasetVersionText(name, hash, false, kept.Text) : null;
    }
}
