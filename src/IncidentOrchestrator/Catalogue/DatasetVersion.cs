using IncidentOrchestrator.Playbooks.Catalogue;
using Marten;

namespace IncidentOrchestrator.Catalogue;

/// <summary>A version of a dataset's file the service has used, by its hash: what a grant was approved under stays readable after the file changes.</summary>
public sealed class DatasetVersion
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Text { get; set; } = "";
    public DateTimeOffset FirstLoadedAt { get; set; }
}

/// <summary>Keeps every version of every dataset the service loads, at start and after each reload.</summary>
public sealed class DatasetVersionsKept(CatalogueFolder folder, IDocumentStore store, TimeProvider clock, ILogger<DatasetVersionsKept> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loaded = System.Threading.Channels.Channel.CreateUnbounded<DatasetCatalogue>();
        folder.Loaded += set => loaded.Writer.TryWrite(set);
        await KeepAsync(folder.Catalogue, stoppingToken);
        await foreach (var set in loaded.Reader.ReadAllAsync(stoppingToken)) await KeepAsync(set, stoppingToken);
    }

    public async Task KeepAsync(DatasetCatalogue catalogue, CancellationToken ct)
    {
        if (catalogue.Datasets.Count == 0) return;
        try
        {
            await using var session = store.LightweightSession();
            var hashes = catalogue.Datasets.Values.Select(d => d.Hash).ToArray();
            var known = (await session.LoadManyAsync<DatasetVersion>(ct, hashes)).Select(v => v.Id).ToHashSet();
            foreach (var dataset in catalogue.Datasets.Values.Where(d => !known.Contains(d.Hash)))
                session.Insert(new DatasetVersion { Id = dataset.Hash, Name = dataset.Name, Text = dataset.Text, FirstLoadedAt = clock.GetUtcNow() });
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Two nodes may keep the same new version at once; either way it is kept. Anything else is worth a warning, not a crash.
            if (e is not JasperFx.DocumentAlreadyExistsException) logger.LogWarning(e, "Keeping the catalogue's versions failed; the next reload tries again");
        }
    }
}
