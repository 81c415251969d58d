using Alba;
using IncidentOrchestrator.Cli;

namespace IncidentOrchestrator.Tests.Cli;

/// <summary>Runs <c>incident</c> as a person would type it, against the test's service, and keeps what it printed and its exit code.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> Incident(this IAlbaHost host, string token, params string[] args) =>
        await host.Incident(token, terminal: false, args);

    /// <param name="terminal">Whether the CLI believes its output is a terminal a person reads (colours, live displays).</param>
    public static Task<Result> Incident(this IAlbaHost host, string token, bool terminal, params string[] args) =>
        Incident(host.Server.CreateHandler(), "http://localhost", token, terminal, args);

    /// <summary>The command against any service: <paramref name="handler"/> carries its requests (a real client for a real process).</summary>
    public static async Task<Result> Incident(HttpMessageHandler? handler, string url, string token, bool terminal, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await IncidentCli.RunAsync(["--url", url, "--token", token, .. args], new CliConsole(output, error) { IsTerminal = terminal }, handler);
        return new Result(code, output.ToString(), error.ToString());
    }

    /// <summary>Passes requests on and keeps what the API answered to each, so a test can hold a command's output to it.</summary>
    public sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public sealed record Exchange(HttpMethod Method, string Path, int Status, string Body);

        private readonly List<Exchange> _exchanges = [];

        public IReadOnlyList<Exchange> Exchanges
        {
            get { lock (_exchanges) return [.. _exchanges]; }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var response = await base.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            var copy = new StringContent(body);
            copy.Headers.Clear();
            foreach (var (name, values) in response.Content.Headers) copy.Headers.TryAddWithoutValidation(name, values);
            response.Content = copy;
            lock (_exchanges) _exchanges.Add(new Exchange(request.Method, request.RequestUri!.PathAndQuery, (int)response.StatusCode, body));
            return response;
        }
    }

    /// <summary>A command that keeps running (<c>--follow</c>): what it has printed so far, and a way to interrupt it as Ctrl-C does.</summary>
    public sealed class Running(Task<int> exit, LiveWriter output, LiveWriter error, CancellationTokenSource interrupt)
    {
        public string Out => output.ToString();
        public string Error => error.ToString();

        public async Task WaitForAsync(Func<Running, bool> condition, string what)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (!condition(this))
            {
                if (exit.IsCompleted) Assert.Fail($"The command ended (exit {await exit}) before {what}.\n{Error}\n{Out}");
                if (timeout.IsCancellationRequested) Assert.Fail($"Waited 30 s for {what}.\n{Error}\n{Out}");
                await Task.WhenAny(output.Written(), error.Written(), exit, Task.Delay(1000));
            }
        }

        public async Task<int> InterruptAsync()
        {
            await interrupt.CancelAsync();
            return await exit;
        }
    }

    public static Running Start(this IAlbaHost host, string token, params string[] args)
    {
        var (output, error, interrupt) = (new LiveWriter(), new LiveWriter(), new CancellationTokenSource());
        var exit = Task.Run(() => IncidentCli.RunAsync(["--url", "http://localhost", "--token", token, .. args], new CliConsole(output, error),
            host.Server.CreateHandler(), interrupt.Token));
        return new Running(exit, output, error, interrupt);
    }

    /// <summary>A writer another thread may read while the command writes, and wait on for the next write.</summary>
    public sealed class LiveWriter : StringWriter
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Written()
        {
            lock (_lock) return _written.Task;
        }

        public override void Write(char value) => Append(() => base.Write(value));
        public override void Write(string? value) => Append(() => base.Write(value));
        public override void Write(char[] buffer, int index, int count) => Append(() => base.Write(buffer, index, count));
        public override void WriteLine(string? value) => Append(() => base.WriteLine(value));

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override string ToString()
        {
            lock (_lock) return base.ToString();
        }

        private void Append(Action write)
        {
            TaskCompletionSource written;
            lock (_lock)
            {
                write();
                written = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            written.TrySetResult();
        }
    }
}
