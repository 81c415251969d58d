using IncidentOrchestrator.Playbooks.Actions;


namespace IncidentOrchestrator.Actions;

/// <summary>
/// The actions playbooks may name: every built-in action, plus any registered implementation
/// (tests and plug-ins add their own). A built-in action without an implementation here fails
/// its attempts with a clear error rather than pretending to work.
/// </summary>
public sealed class ActionRegistry : IActionCatalog
{
    private readonly Dictionary<string, IAction> _actions;

    public ActionRegistry(IEnumerable<IAction> actions)
    {
        _actions = new Dictionary<string, IAction>(StringComparer.Ordinal);
        foreach (var action in actions) _actions[action.Descriptor.Name] = action; // later registrations win (tests, plug-ins)
    }

    public IAction? Implementation(string name) => _actions.GetValueOrDefault(name);

    public ActionDescriptor? Find(string name) => _actions.GetValueOrDefault(name)?.Descriptor ?? BuiltInActions.Catalog.Find(name);

    public IEnumerable<ActionDescriptor> All =>
        _actions.Values.Select(a => a.Descriptor).UnionBy(BuiltInActions.Catalog.All, d => d.Name);
}
