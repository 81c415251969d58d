using System.CommandLine;

namespace IncidentOrchestrator.Cli;

/// <summary>
/// <c>incident completion bash|zsh|pwsh</c>: a script that makes the shell complete commands, options and their values.
/// The shell asks <c>incident [suggest:POSITION] "LINE"</c> (System.CommandLine's suggest directive), so what it
/// offers is always what this version of the tool takes.
/// </summary>
public static class CompletionCommand
{
    private const string Bash = """
        # incident: shell completion for bash. Add to ~/.bashrc:  source <(incident completion bash)
        _incident_complete() {
          local IFS=$'\n' cur="${COMP_WORDS[COMP_CWORD]}"
          COMPREPLY=( $(compgen -W "$(incident "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null | grep -v '^/')" -- "$cur") )
        }
        complete -o default -F _incident_complete incident
        """;

    private const string Zsh = """
        # incident: shell completion for zsh. Add to ~/.zshrc:  source <(incident completion zsh)
        _incident_complete() {
          local -a suggestions
          suggestions=("${(@f)$(incident "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null | grep -v '^/')}")
          compadd -- "${suggestions[@]}"
        }
        compdef _incident_complete incident
        """;

    private const string PowerShell = """
        # incident: shell completion for PowerShell. Add to $PROFILE:  incident completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName incident -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            incident "[suggest:$cursorPosition]" "$commandAst" 2>$null | Where-Object { $_ -notlike '/*' } | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }
        """;

    public static IEnumerable<Command> All(CliContext cli)
    {
        var shell = new Argument<string>("shell") { Description = "bash, zsh or pwsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "pwsh");
        var command = new Command("completion", "Print the shell's completion script for incident.\nExample: source <(incident completion bash)") { shell };
        command.SetAction(r =>
        {
            cli.Console.Out.WriteLine(r.GetValue(shell) switch { "bash" => Bash, "zsh" => Zsh, _ => PowerShell });
            return ExitCodes.Ok;
        });
        yield return command;
    }
}
