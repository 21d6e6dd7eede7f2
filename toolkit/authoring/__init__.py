"""Tools for contributors: scaffolds for new files, the scenario-space explorer and the
live preview server. They call the study and kit packages; nothing calls them but the CLI.
"""
