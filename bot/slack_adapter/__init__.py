"""The Slack adapter: slash commands, buttons and modals over slack-bolt's AsyncApp, HTTP or Socket Mode.

`build_slack_app(service, settings)` (in `bot.slack_adapter.app`) composes everything; nothing is built at
import time. The package is named `slack_adapter` so nothing shadows the `slack_sdk`/`slack_bolt` libraries.
"""
