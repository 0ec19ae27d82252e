"""Channel-neutral presentation: texts in the neutral markup, workbooks, charts and images.

Used by the conversation flows (handlers/), the durable tasks, the command line and the sandbox alike; nothing
here knows a channel.
"""
