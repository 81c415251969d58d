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

/// <summary>A version of the catalogue as a whole, by its hash: which version of each dataset's file it held.</summary>
public sealed class CatalogueVersion
{
    public string Id { get; set; } = "";
    public Dictionary<string, string> Datasets { get; set; } = new(StringComparer.Ordinal);
    public DateTimeOffset FirstLoadedAt { get; set; }
}

/// <summary>Keeps every version of every dataset the service loads, and of the catalogue as a whole, at start and after each reload.</summary>
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

    /// <summary>Stores the versions not kept yet, trying again until the database takes them: a version never kept cannot be shown later.</summary>
    public async Task KeepAsync(DatasetCatalogue catalogue, CancellationToken ct)
    {
        for (var wait = TimeSpan.FromSeconds(1); ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(1).Ticks)))
        {
            try
            {
                await using var session = store.LightweightSession();
                var hashes = catalogue.Datasets.Values.Select(d => d.Hash).ToArray();
                if (hashes.Length == 0) return;
                var known = (await session.LoadManyAsync<DatasetVersion>(ct, hashes)).Select(v => v.Id).ToHashSet();
                // An upsert: two nodes keeping the same new version at once both succeed, and the text is the same by its hash.
                foreach (var dataset in catalogue.Datasets.Values.Where(d => !known.Contains(d.Hash)))
                    session.Store(new DatasetVersion { Id = dataset.Hash, Name = dataset.Name, Text = dataset.Text, FirstLoadedAt = clock.GetUtcNow() });
                if (await session.LoadAsync<CatalogueVersion>(catalogue.Hash, ct) is null)
                    session.Store(new CatalogueVersion
                    {
                        Id = catalogue.Hash, Datasets = catalogue.Datasets.Values.ToDictionary(d => d.Name, d => d.Hash, StringComparer.Ordinal),
                        FirstLoadedAt = clock.GetUtcNow(),
                    });
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Keeping the catalogue's versions failed; trying again in {Wait}", wait);
                await Task.Delay(wait, clock, ct);
            }
        }
    }
}
