using IncidentOrchestrator.Playbooks.Actions;

namespace IncidentOrchestrator.Playbooks.Tests.Loading;

public sealed class loading_a_folder_of_playbooks
{
    private static string Playbook(string name, string step = "action: incident.add-note\n    with: { note: hi }") =>
        $"apiVersion: incidents/v1\nkind: Playbook\nname: {name}\ntitle: {name}\nsteps:\n  - id: only\n    {step}\n";

    [Fact]
    public void a_name_used_twice_keeps_the_first_file_and_rejects_the_second()
    {
        var library = PlaybookLibrary.Load(
            [new("a.yaml", Playbook("containment")), new("b.yaml", Playbook("containment"))], BuiltInActions.Catalog);

        Assert.Equal("a.yaml", library.Find("containment")!.File);
        Assert.Equal("b.yaml:3:7: PB052 playbook name 'containment' is already used by a.yaml", Assert.Single(library.Errors).ToString());
    }

    [Fact]
    public void playbooks_that_run_each_other_are_both_rejected()
    {
        var library = PlaybookLibrary.Load(
            [new("a.yaml", Playbook("first", "playbook: second")), new("b.yaml", Playbook("second", "playbook: first")),
             new("c.yaml", Playbook("unrelated"))], BuiltInActions.Catalog);

        Assert.Equal(["unrelated"], library.Playbooks.Keys);
        Assert.Equal(
            ["a.yaml:7:15: PB051 playbooks must not recurse: first -> second -> first",
             "b.yaml:7:15: PB051 playbooks must not recurse: second -> first -> second"],
            library.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void a_parent_whose_child_is_rejected_is_rejected_too()
    {
        var library = PlaybookLibrary.Load(
            [new("child.yaml", Playbook("child", "action: incident.explode")), new("parent.yaml", Playbook("parent", "playbook: child"))],
            BuiltInActions.Catalog);

        Assert.Empty(library.Playbooks);
        Assert.Equal(["child.yaml", "parent.yaml"], library.RejectedFiles.Order());
        Assert.Contains(library.Errors, e => e.ToString() == "parent.yaml:7:15: PB050 step 'only' runs playbook 'child', which is not loaded");
    }

    [Fact]
    public void validating_a_new_version_of_a_loaded_playbook_replaces_it_rather_than_colliding()
    {
        var library = PlaybookLibrary.Load([new("a.yaml", Playbook("containment"))], BuiltInActions.Catalog);

        Assert.Empty(library.Validate(new("a.yaml", Playbook("containment")), BuiltInActions.Catalog));
    }
}
