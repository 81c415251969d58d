using JasperFx;
using Marten;
using Wolverine;
using Wolverine.ErrorHandling;

namespace IncidentOrchestrator.Runs;

public static class Configuration
{
    public static IServiceCollection AddRuns(this IServiceCollection services)
    {
        services.AddSingleton<PinnedPlaybooks>();
        services.AddSingleton<InlineActions>();
        services.AddSingleton<RunServices>();
        return services;
    }

    public static StoreOptions ConfigureRuns(this StoreOptions opts)
    {
        opts.Schema.For<PlaybookRun>().Index(x => x.IncidentId);
        opts.Schema.For<SignalWait>().Index(x => x.IncidentId);
        return opts;
    }

    public static WolverineOptions ConfigureRuns(this WolverineOptions opts)
    {
        // Actions of parallel steps, and of different runs, execute side by side. The turns of one run go
        // through one partition of the "runs" queues, one at a time; optimistic concurrency on the run
        // document (and the incident stream) is the safety net across nodes, with retries.
        // Retries and waits are durable scheduled messages; poll for due ones often enough that a
        // short backoff stays short (the default is seconds).
        opts.Durability.ScheduledJobPollingTime = TimeSpan.FromMilliseconds(250);
        opts.LocalQueueFor<Actions.ExecuteAction>().MaximumParallelMessages(16);
        opts.MessagePartitioning
            .ByMessage<IRunMessage>(m => m.RunId.ToString())
            .PublishToPartitionedLocalMessaging("runs", 16, topology =>
            {
                topology.MessagesImplementing<IRunMessage>();
                topology.ConfigureQueues(queue => queue.UseDurableInbox());
            });
        opts.OnException<ConcurrencyException>()
            .RetryWithCooldown(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(50),
                TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400),
                TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(1.5));
        return opts;
    }
}
