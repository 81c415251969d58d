using IncidentOrchestrator.Hosting;
using IncidentOrchestrator.Security;
using JasperFx;

if (args is ["token", ..])
    return await TokenCommand.RunAsync(args[1..]);

var builder = WebApplication.CreateBuilder(args);
builder.AddIncidentOrchestrator();

var app = builder.Build();
app.UseIncidentOrchestrator();

return await app.RunJasperFxCommands(args);

public partial class Program;
