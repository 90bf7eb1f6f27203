import PHIScrubCLI

PhiScrubCommand.runMain()
