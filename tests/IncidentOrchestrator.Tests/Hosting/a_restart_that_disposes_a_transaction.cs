
namespace IncidentOrchestrator.Tests.Hosting;

/// <summary>
/// A message whose transaction a database restart disposed is retried, not dead-lettered: however Npgsql names the disposed
/// object. (ops/chaos once left a run waiting because the name came as the message.)
/// </summary>
public sealed class a_restart_that_disposes_a_transaction
{
    [Fact]
    public void is_recognised_by_its_object_name_or_its_message_and_nothing_else_is()
    {
        Assert.True(IncidentOrchestrator.Hosting.Cluster.DisposedByARestart(new ObjectDisposedException("Npgsql.NpgsqlTransaction")));
        Assert.True(IncidentOrchestrator.Hosting.Cluster.DisposedByARestart(new ObjectDisposedException(null, "NpgsqlTransaction")));
        Assert.False(IncidentOrchestrator.Hosting.Cluster.DisposedByARestart(new ObjectDisposedException("System.IO.FileStream")));
        Assert.False(IncidentOrchestrator.Hosting.Cluster.DisposedByARestart(new ObjectDisposedException(null, "Cannot access a closed file.")));
    }
}
