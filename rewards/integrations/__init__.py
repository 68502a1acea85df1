"""The project's rewards in other RL engines' shapes (verl, OpenRLHF); no engine is imported here."""
