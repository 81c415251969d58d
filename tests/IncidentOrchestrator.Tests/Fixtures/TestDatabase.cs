using DotNet.Testcontainers.Configurations;
using Npgsql;
using Testcontainers.PostgreSql;

namespace IncidentOrchestrator.Tests.Fixtures;

/// <summary>
/// One PostgreSQL server for the whole test run, found in this order: the INCIDENTS_TEST_PG
/// connection string (ops/test sets it), a Testcontainers container when a Docker engine answers,
/// else a throwaway local cluster. Never skips: without a database the tests fail and say why.
/// </summary>
public static class TestDatabase
{
    public const string EnvironmentVariable = "INCIDENTS_TEST_PG";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _server;

    public static async Task<string> ServerAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _server ??= await StartServerAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A fresh, empty database on the shared server: isolation per test collection.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var server = await ServerAsync();
        var name = $"{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"create database \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is not null)
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return container.GetConnectionString();
        }

        var cluster = await LocalPostgresCluster.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster.ConnectionString;
    }
}
