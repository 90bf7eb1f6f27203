"""A minimal agent loop with phiscrub around the model and the tool: the prompt is scrubbed before the model sees
it, the tool's output is scrubbed before it goes back into the conversation. The model and the tool are fakes.

    PHISCRUB_BIN=.build/debug/phiscrub python3 bindings/python/examples/agent_loop.py
"""

from phiscrub import Client


def fake_model(messages):
    """Asks for the lookup tool once, then answers from what the tool returned."""
    if messages[-1]["role"] == "user":
        return {"tool": "ehr_lookup", "arguments": {"query": "latest visit"}}
    return {"content": "Summary: " + messages[-1]["content"]}


def fake_tool(name, arguments):
    return "Visit 2024-03-02 for Jane Roe, SSN 365-94-0475, callback (312) 555-0134, jroe@example.com"


def run(user_text, ph):
    messages = [{"role": "user", "content": ph.redact(user_text).text}]  # the prompt, scrubbed
    while True:
        reply = fake_model(messages)
        if "tool" not in reply:
            return reply["content"], messages
        output = fake_tool(reply["tool"], reply["arguments"])
        clean = ph.redact(output)  # the tool output, scrubbed before the model sees it
        messages.append({"role": "tool", "content": clean.text})
        print("tool findings:", [(f.entity, f.rule) for f in clean.findings])  # never the values


if __name__ == "__main__":
    with Client() as ph:  # one long-lived `phiscrub serve --stdio`
        answer, history = run("Patient Jane Roe (SSN 365-94-0475) asks about her last visit", ph)
        for m in history:
            print(m["role"], "->", m["content"])
        print("model ->", answer)
