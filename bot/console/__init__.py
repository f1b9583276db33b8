"""The console adapter: practise in a terminal with the same core the chat bots use."""
