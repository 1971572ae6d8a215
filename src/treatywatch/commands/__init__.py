"""The CLI's commands, by subject; each module registers its commands on ``cli.app``."""
