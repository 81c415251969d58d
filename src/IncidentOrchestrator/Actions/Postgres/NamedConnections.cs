using System.Collections.Concurrent;
using Npgsql;

namespace IncidentOrchestrator.Actions.Postgres;

/// <summary>
/// The PostgreSQL databases actions may act on, by name (<c>Connections__&lt;name&gt;</c>). A playbook
/// names a connection and never holds its secret.
/// </summary>
public sealed class NamedConnections(IConfiguration configuration) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, NpgsqlDataSource> _sources = new(StringComparer.Ordinal);

    public bool Has(string name) => !string.IsNullOrWhiteSpace(configuration.GetSection("Connections")[name]);

    public NpgsqlDataSource Get(string name)
    {
        var connectionString = configuration.GetSection("Connections")[name];
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ActionFailedException($"no connection named '{name}' is configured (Connections__{name})");
        return _sources.GetOrAdd(name, _ => NpgsqlDataSource.Create(connectionString));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values) await source.DisposeAsync();
    }
}
