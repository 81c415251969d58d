using IncidentOrchestrator.Hosting;
using JasperFx;

if (args is ["health", ..])
    return await HealthProbe.RunAsync(args[1..]);

var builder = WebApplication.CreateBuilder(args);
builder.AddIncidentOrchestrator();

var app = builder.Build();
app.UseIncidentOrchestrator();

// Without arguments the service just runs: JasperFx's command runner (codegen, resources, describe) would first
// print its assembly scan on standard output, which is for people.
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}
return await app.RunJasperFxCommands(args);

public partial class Program;
