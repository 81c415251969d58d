using Marten;

namespace IncidentOrchestrator.Approvals;

public static class Configuration
{
    public static StoreOptions ConfigureApprovals(this StoreOptions opts)
    {
        opts.Schema.For<ApprovalItem>()
            .Duplicate(x => x.OpenedAt, configure: index => index.Columns = ["opened_at", "id"])
            .Index(x => x.IncidentId).Index(x => x.RunId);
        return opts;
    }
}
