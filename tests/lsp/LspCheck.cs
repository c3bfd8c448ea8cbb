// A minimal LSP client, run as a .NET file-based app by tests/lsp/run.sh:
//   dotnet run LspCheck.cs -- <server command> <project folder> <file> <line (1-based)> <diagnostic id> [timeout seconds] [only-ndsl]
// It starts the language server over stdio, sends initialize / initialized, turns analyzers on (csharp-ls's
// csharp.analyzersEnabled, answered to workspace/configuration and pushed with workspace/didChangeConfiguration),
// opens the file with textDocument/didOpen, and waits for a textDocument/publishDiagnostics on that file that holds the
// diagnostic at that line. With "only-ndsl", that publication must also hold no other error or warning than NDSL ones
// (a publication with others is printed and the wait goes on: a later one may be complete). Exit code 0 when it
// arrives, 1 otherwise; everything the server publishes is printed.
#:property PublishAot=false
using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;

if (args.Length < 5)
{
    Console.Error.WriteLine("usage: LspCheck.cs <server command> <project folder> <file> <line> <diagnostic id> [timeout seconds] [only-ndsl]");
    return 2;
}

string serverCommand = args[0];
string folder = Path.GetFullPath(args[1]);
string file = Path.GetFullPath(args[2]);
int expectedLine = int.Parse(args[3], CultureInfo.InvariantCulture) - 1;
string expectedId = args[4];
TimeSpan timeout = TimeSpan.FromSeconds(args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 240);
bool onlyNdsl = args.Length > 6 && args[6] == "only-ndsl";
string folderUri = new Uri(folder + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');
string fileUri = new Uri(file).AbsoluteUri;

string[] command = serverCommand.Split(' ', StringSplitOptions.RemoveEmptyEntries);
var start = new ProcessStartInfo(command[0])
{
    WorkingDirectory = folder,
    RedirectStandardInput = true,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    UseShellExecute = false,
};
foreach (string argument in command.Skip(1))
{
    start.ArgumentList.Add(argument);
}

using Process server = Process.Start(start) ?? throw new InvalidOperationException("could not start " + serverCommand);
var stderr = new StringBuilder();
server.ErrorDataReceived += (_, e) =>
{
    if (e.Data is not null)
    {
        lock (stderr)
        {
            stderr.AppendLine(e.Data);
        }
    }
};
server.BeginErrorReadLine();
Stream input = server.StandardInput.BaseStream;
Stream output = server.StandardOutput.BaseStream;
int nextId = 1;
var clock = Stopwatch.StartNew();

void Send(JsonObject message)
{
    message["jsonrpc"] = "2.0";
    byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
    byte[] header = Encoding.ASCII.GetBytes("Content-Length: " + body.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n");
    input.Write(header);
    input.Write(body);
    input.Flush();
}

int Request(string method, JsonNode? parameters)
{
    int id = nextId++;
    Send(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters });
    return id;
}

void Notify(string method, JsonNode? parameters) => Send(new JsonObject { ["method"] = method, ["params"] = parameters });

async Task<JsonObject?> ReadAsync(CancellationToken cancellationToken)
{
    int length = -1;
    var line = new StringBuilder();
    var one = new byte[1];
    while (true)
    {
        if (await output.ReadAsync(one, cancellationToken) == 0)
        {
            return null;
        }

        if (one[0] == '\n')
        {
            string text = line.ToString().TrimEnd('\r');
            line.Clear();
            if (text.Length == 0)
            {
                break;
            }

            if (text.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(text.Substring("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }
        else
        {
            line.Append((char)one[0]);
        }
    }

    var body = new byte[length];
    int read = 0;
    while (read < length)
    {
        int n = await output.ReadAsync(body.AsMemory(read), cancellationToken);
        if (n == 0)
        {
            return null;
        }

        read += n;
    }

    return JsonNode.Parse(body)?.AsObject();
}

JsonObject Settings() => new() { ["analyzersEnabled"] = true, ["logLevel"] = "info" };

using var cancellation = new CancellationTokenSource(timeout);
int exitCode = 1;
try
{
    int initializeId = Request("initialize", new JsonObject
    {
        ["processId"] = Environment.ProcessId,
        ["rootUri"] = folderUri,
        ["workspaceFolders"] = new JsonArray(new JsonObject { ["uri"] = folderUri, ["name"] = Path.GetFileName(folder) }),
        ["capabilities"] = new JsonObject
        {
            ["workspace"] = new JsonObject { ["configuration"] = true, ["workspaceFolders"] = true },
            // No "diagnostic" (pull) capability: the server pushes textDocument/publishDiagnostics.
            ["textDocument"] = new JsonObject { ["publishDiagnostics"] = new JsonObject { ["relatedInformation"] = true } },
        },
        ["initializationOptions"] = new JsonObject { ["csharp"] = Settings() },
    });

    bool opened = false;
    while (true)
    {
        JsonObject? message = await ReadAsync(cancellation.Token);
        if (message is null)
        {
            Console.WriteLine("the server closed its output");
            break;
        }

        string? method = (string?)message["method"];
        JsonNode? id = message["id"];
        if (method is null && id is not null && (int)id == initializeId)
        {
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds:F1}s] initialized: {message["result"]?["serverInfo"]?.ToJsonString()}");
            Notify("initialized", new JsonObject());
            Notify("workspace/didChangeConfiguration", new JsonObject { ["settings"] = new JsonObject { ["csharp"] = Settings() } });
            Notify("textDocument/didOpen", new JsonObject
            {
                ["textDocument"] = new JsonObject
                {
                    ["uri"] = fileUri,
                    ["languageId"] = "csharp",
                    ["version"] = 1,
                    ["text"] = await File.ReadAllTextAsync(file, cancellation.Token),
                },
            });
            opened = true;
            continue;
        }

        if (method is not null && id is not null)
        {
            // A request from the server: answer workspace/configuration with the settings, everything else with null.
            JsonNode? result = null;
            if (method == "workspace/configuration")
            {
                var items = new JsonArray();
                foreach (JsonNode? item in message["params"]?["items"]?.AsArray() ?? new JsonArray())
                {
                    string? section = (string?)item?["section"];
                    JsonNode? value = section is null ? new JsonObject { ["csharp"] = Settings() } : section == "csharp" ? Settings() : null;
                    items.Add(value);
                }

                result = items;
            }

            Send(new JsonObject { ["id"] = id.DeepClone(), ["result"] = result });
            continue;
        }

        if (method == "window/logMessage" || method == "window/showMessage")
        {
            Console.WriteLine($"[{clock.Elapsed.TotalSeconds:F1}s] {method}: {message["params"]?["message"]}");
            continue;
        }

        if (method != "textDocument/publishDiagnostics")
        {
            continue;
        }

        string? uri = (string?)message["params"]?["uri"];
        JsonArray diagnostics = message["params"]?["diagnostics"]?.AsArray() ?? new JsonArray();
        Console.WriteLine($"[{clock.Elapsed.TotalSeconds:F1}s] publishDiagnostics {uri}: {diagnostics.Count} diagnostic(s)");
        foreach (JsonNode? diagnostic in diagnostics)
        {
            Console.WriteLine($"    {diagnostic?["code"]} line {(int?)diagnostic?["range"]?["start"]?["line"] + 1}: {diagnostic?["message"]}");
        }

        if (opened && uri is not null && Uri.Compare(new Uri(uri), new Uri(fileUri), UriComponents.AbsoluteUri, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
            && diagnostics.Any(d => (string?)d?["code"] == expectedId && (int?)d?["range"]?["start"]?["line"] == expectedLine))
        {
            // LSP severities: 1 error, 2 warning, 3 information, 4 hint (absent: the client decides; counted as an error).
            JsonNode?[] others = diagnostics
                .Where(d => ((int?)d?["severity"] ?? 1) <= 2 && !((string?)d?["code"] ?? string.Empty).StartsWith("NDSL", StringComparison.Ordinal))
                .ToArray();
            if (onlyNdsl && others.Length > 0)
            {
                Console.WriteLine($"found {expectedId}, but with {others.Length} other error(s) or warning(s): waiting for a later publication");
                continue;
            }

            Console.WriteLine($"found {expectedId} at line {expectedLine + 1} of {Path.GetFileName(file)} after {clock.Elapsed.TotalSeconds:F1} s"
                + (onlyNdsl ? ", and no error or warning other than NDSL ones" : string.Empty));
            exitCode = 0;
            break;
        }
    }
}
catch (OperationCanceledException)
{
    Console.WriteLine($"no {expectedId} at line {expectedLine + 1}{(onlyNdsl ? " without other errors or warnings" : string.Empty)} within {timeout.TotalSeconds} s");
}
finally
{
    try
    {
        Request("shutdown", null);
        Notify("exit", null);
    }
    catch (IOException)
    {
    }

    if (!server.WaitForExit(5000))
    {
        server.Kill(entireProcessTree: true);
    }

    if (exitCode != 0)
    {
        lock (stderr)
        {
            Console.WriteLine("server stderr:\n" + stderr);
        }
    }
}

return exitCode;
