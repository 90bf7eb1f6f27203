import PHIScrub
